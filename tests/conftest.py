"""Shared fixtures: the real spaCy model is loaded once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "000_b5901d612eddb4ca.txt"


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    """A test that asks for the Chromium fixture is a browser test even if its marker was
    forgotten (make test-fast deselects them with -m "not browser and not notebook")."""
    for item in items:
        if "browser" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def nlp():
    from kg.nlp import load_nlp

    return load_nlp()


@pytest.fixture(scope="session")
def seed_path() -> Path:
    return SEED


@pytest.fixture(scope="session")
def seed_extraction(nlp):
    """The seed article run through the whole extraction pipeline (once per session)."""
    from kg.articles import iter_articles
    from kg.pipeline import extract_articles

    (result,) = list(extract_articles(iter_articles([SEED]), nlp=nlp))
    return result


@pytest.fixture
def extract(nlp):
    """extract("text") -> Extraction, with the real model."""
    from kg.pipeline import extract_text

    def run(text: str, **kw):
        return extract_text(text, nlp=nlp, **kw)

    return run
