"""The front end's built files in ``lazyviz/static`` (``npm run build`` in ``js/``).

Each bundle is ESM code plus CSS: ``widget`` (the graph widget), ``inits``
(the initializer comparison); ``loader.js`` is every widget's ``_esm`` in a
notebook and ``page.js`` the offline page's own script.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path
from typing import Any

__all__ = ["STATIC", "Bundle", "bundle", "bundle_of"]

STATIC = Path(__file__).resolve().parent.parent / "static"


@dataclass(frozen=True)
class Bundle:
    """A front-end bundle: its ESM code, its CSS and a short hash of both."""

    name: str
    code: str
    css: str

    @cached_property
    def version(self) -> str:
        return hashlib.sha256((self.code + "\0" + self.css).encode()).hexdigest()[:16]


def _read(name: str) -> str:
    path = STATIC / name
    return path.read_text(encoding="utf-8") if path.is_file() else ""


def _stamp(name: str) -> tuple[int, int]:
    js, css = STATIC / f"{name}.js", STATIC / f"{name}.css"
    return (
        js.stat().st_mtime_ns if js.is_file() else 0,
        css.stat().st_mtime_ns if css.is_file() else 0,
    )


def bundle(name: str) -> Bundle:
    """The bundle ``name`` ("widget" or "inits") as built into ``lazyviz/static/``.

    Read again when the files change, so a page exported after ``npm run build``
    carries the new code; a missing bundle (a source checkout never built) is
    code that says so in place of the widget.
    """
    return _bundle_at(name, _stamp(name))


@cache
def _bundle_at(name: str, _stamp: tuple[int, int]) -> Bundle:
    code = _read(f"{name}.js")
    if not code:
        missing = f"lazyviz: lazyviz/static/{name}.js is missing; run npm run build in js/"
        code = f"export default {{ render({{ el }}) {{ el.textContent = {missing!r}; }} }};"
    return Bundle(name, code, _read(f"{name}.css"))


def bundle_of(widget: Any) -> Bundle:
    """The full bundle a widget runs (for an offline page, which has no Runtime model)."""
    return bundle(getattr(widget, "_bundle", "widget"))
