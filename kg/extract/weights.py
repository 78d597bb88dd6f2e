"""Load a model's weights file once per path: the one loader the stance model and the stance
encoder share.

A setting names the file (:class:`kg.settings.Settings`), or None when the model is switched
off. The cache is keyed on the path, so a different setting loads a different file and no
caller (or test) has to clear anything; a file that cannot be loaded is reported once and
the extractor carries on without that model.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

log = logging.getLogger(__name__)

M = TypeVar("M")


def cached_weights(
    what: str, errors: tuple[type[BaseException], ...], without: str
) -> Callable[[Callable[[Path], M]], Callable[[str | None], M | None]]:
    """Turn ``load(path) -> model`` into ``get(path or None) -> model or None``, cached per
    path: None for None, and None (with one warning: "``what`` unavailable (why): ``without``")
    when ``load`` raises one of ``errors``."""

    def wrap(load: Callable[[Path], M]) -> Callable[[str | None], M | None]:
        @functools.lru_cache(maxsize=8)
        def get(path: str | None) -> M | None:
            if path is None:
                return None
            try:
                return load(Path(path))
            except errors as exc:
                log.warning("%s unavailable (%s): %s", what, exc, without)
                return None

        get.__doc__ = load.__doc__
        return get

    return wrap
