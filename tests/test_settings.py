"""kg.settings: one frozen Settings, options over environment over defaults, read only there."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.settings import ConfigError, Settings

ROOT = Path(__file__).resolve().parent.parent


def test_options_then_environment_then_defaults():
    env = {"KG_STORE": "from-env", "KG_MODEL": "env_model", "KG_STANCES": "accurate"}
    s = Settings.load(environ=env, store="from-option")
    assert (s.store, s.model, s.stances) == ("from-option", "env_model", "accurate")
    assert Settings.load(environ={}) == Settings()
    assert Settings().stances == "fast" and Settings().store == "kg-data"


def test_none_switches_a_model_off_and_paths_split():
    import os

    s = Settings.load(
        environ={
            "KG_STANCE_MODEL": "None",
            "KG_STANCE_ENCODER": "none",
            "KG_GAZETTEER": os.pathsep.join(["a.ttl", " ", "b.ttl"]),
        }
    )
    assert s.stance_model is None and s.stance_encoder is None and s.gazetteer == ("a.ttl", "b.ttl")


@pytest.mark.parametrize("env", [{"KG_MAX_ARTICLE_CHARS": "lots"}, {"KG_STANCES": "slow"}])
def test_bad_values_name_their_variable(env):
    with pytest.raises(ConfigError, match=next(iter(env))):
        Settings.load(environ=env)


def test_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        Settings().store = "x"  # type: ignore[misc]


def test_the_cli_builds_it_once_and_refuses_a_bad_one(monkeypatch, tmp_path):
    from kg.cli import cli

    monkeypatch.setenv("KG_STANCES", "sometimes")
    r = CliRunner().invoke(cli, ["--store", str(tmp_path / "s"), "stats"])
    assert r.exit_code == 2 and "KG_STANCES" in r.output


def test_only_the_settings_module_reads_the_environment():
    """Configuration comes from kg.settings alone (kg.remote reads the remote store's
    credentials when it connects, so that no secret travels in Settings)."""
    readers = set()
    for path in (ROOT / "kg").rglob("*.py"):
        if re.search(r"os\.environ|getenv", path.read_text(encoding="utf-8")):
            readers.add(path.name)
    assert readers <= {"settings.py", "remote.py"}, readers
