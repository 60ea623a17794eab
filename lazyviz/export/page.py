"""One self-contained offline HTML page of an anywidget: bundle, CSS and state inline.

``ipywidgets.embed`` and nbconvert's HTML load their renderers from CDNs and
are blank offline. This page needs nothing but itself: the widget's synced
state and its ESM travel as ``<script type="application/json">`` data blocks,
the ESM is imported through a Blob URL, and a small stand-in for the
anywidget model (``get/set/on/off/save_changes/send``) is handed to the
bundle's ``render({model, el})``. It works from ``file://`` with no kernel and
no network (a Content-Security-Policy forbids any request), and follows the
reader's ``prefers-color-scheme``.
"""

from __future__ import annotations

import html
import json
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any

from lazyviz.export.assets import STATIC, bundle_of

__all__ = ["filling_window", "page", "widget_state", "write_html"]

_FILL: ContextVar[bool] = ContextVar("lazyviz_page_fill", default=False)


@contextmanager
def filling_window() -> Iterator[None]:
    """Pages written inside this block fill the browser window (``lazyviz demo``'s page).

    Elsewhere a page shows the widget at its ``height``, as a notebook cell and the
    pictures (``to_png``) do, so a picture equals the page it was taken from.
    """
    token = _FILL.set(True)
    try:
        yield
    finally:
        _FILL.reset(token)


# ipywidgets' own bookkeeping traits: not part of any widget's state contract.
_BASE_TRAITS = {"layout", "tabbable", "tooltip", "comm", "keys", "log"}


def write_html(
    widget: Any,
    path: str | Path,
    *,
    title: str = "lazyviz",
    state: dict[str, Any] | None = None,
    fill: bool | None = None,
) -> Path:
    """Write ``widget`` (an anywidget) as one offline page and return the path written.

    ``state`` replaces the widget's own synced state (e.g. with extras computed for the page).
    ``fill``: the widget fills the browser window instead of keeping its ``height``
    (None: as :func:`filling_window` says, else no).
    """
    out = Path(path)
    data = widget_state(widget) if state is None else state
    fills = _FILL.get() if fill is None else fill
    code = bundle_of(widget)  # the full bundle: a page has no Runtime model to find it in
    out.write_text(page(data, code.code, code.css, title=title, fill=fills), encoding="utf-8")
    return out


def widget_state(widget: Any) -> dict[str, Any]:
    """The widget's public synced traits (no ``_``-prefixed or ipywidgets base ones)."""
    names = [
        n for n in widget.trait_names(sync=True) if not n.startswith("_") and n not in _BASE_TRAITS
    ]
    return {n: _plain(getattr(widget, n)) for n in sorted(names)}


def page(
    state: dict[str, Any], esm: str, css: str, *, title: str = "lazyviz", fill: bool = False
) -> str:
    """The HTML text of the offline page for a widget with this state, ESM and CSS."""
    nonce = secrets.token_urlsafe(16)
    return _TEMPLATE.format(
        fill=" data-lazyviz-fill" if fill else "",
        title=html.escape(title),
        csp=_CSP.format(nonce=nonce),
        nonce=nonce,
        page_css=_PAGE_CSS,
        css=_style_text(css),
        state=_json_block(state),
        esm=_json_block(esm),
        loader=_page_script(),
    )


def _plain(value: Any) -> Any:
    """A JSON round trip: traitlets containers become plain lists and dicts."""
    return json.loads(json.dumps(value, allow_nan=False))


def _json_block(value: Any) -> str:
    """JSON safe inside a ``<script>`` data block.

    Escaping every ``<`` (and ``>``, ``&``) as a JSON unicode escape means no
    ``</script``, ``<!--`` or ``<script`` can appear in the block, whatever the
    model's names and messages say; ``JSON.parse`` restores them exactly.
    U+2028/2029 are escaped for old JavaScript parsers.
    """
    text = json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def _page_script() -> str:
    """The page's own script (``js/src/page.ts``, built beside the bundles)."""
    path = STATIC / "page.js"
    if not path.is_file():
        raise FileNotFoundError(f"{path} is missing; run npm run build in js/")
    return path.read_text(encoding="utf-8")


def _style_text(css: str) -> str:
    # A literal "</style" would end the element early; in CSS "\/" is just "/".
    return css.replace("</", "<\\/")


# Nothing may leave the page: only inline code with this page's nonce, the
# Blob-URL module made from it, and data:/blob: images, fonts and workers.
_CSP = (
    "default-src 'none'; script-src 'nonce-{nonce}' blob: 'unsafe-eval'; "
    "style-src 'unsafe-inline'; img-src data: blob:; font-src data:; "
    "worker-src blob:; connect-src blob: data:; base-uri 'none'; form-action 'none'"
)

# The widget styles itself with JupyterLab's CSS variables; outside Lab the
# page defines the ones a widget commonly reads, for light and dark readers.
_PAGE_CSS = """
:root {
  color-scheme: light dark;
  --jp-layout-color0: #ffffff; --jp-layout-color1: #ffffff;
  --jp-layout-color2: #eeeeee; --jp-layout-color3: #bdbdbd;
  --jp-ui-font-color0: rgba(0, 0, 0, 1); --jp-ui-font-color1: rgba(0, 0, 0, 0.87);
  --jp-ui-font-color2: rgba(0, 0, 0, 0.54); --jp-ui-font-color3: rgba(0, 0, 0, 0.38);
  --jp-content-font-color1: rgba(0, 0, 0, 0.87);
  --jp-border-color0: #9e9e9e; --jp-border-color1: #bdbdbd; --jp-border-color2: #e0e0e0;
  --jp-brand-color1: #1976d2; --jp-accent-color1: #388e3c;
  --jp-warn-color1: #f57c00; --jp-error-color1: #d32f2f;
  --jp-ui-font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  --jp-code-font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace;
  --jp-ui-font-size1: 13px; --jp-code-font-size: 13px;
}
@media (prefers-color-scheme: dark) {
  :root {
    --jp-layout-color0: #111111; --jp-layout-color1: #212121;
    --jp-layout-color2: #424242; --jp-layout-color3: #616161;
    --jp-ui-font-color0: rgba(255, 255, 255, 1); --jp-ui-font-color1: rgba(255, 255, 255, 0.87);
    --jp-ui-font-color2: rgba(255, 255, 255, 0.54);
    --jp-ui-font-color3: rgba(255, 255, 255, 0.38);
    --jp-content-font-color1: rgba(255, 255, 255, 0.87);
    --jp-border-color0: #616161; --jp-border-color1: #616161; --jp-border-color2: #424242;
    --jp-brand-color1: #64b5f6; --jp-accent-color1: #81c784;
    --jp-warn-color1: #ffb74d; --jp-error-color1: #e57373;
  }
}
html, body { margin: 0; background: var(--jp-layout-color0); color: var(--jp-ui-font-color1); }
body { font-family: var(--jp-ui-font-family); padding: 16px; box-sizing: border-box; }
#lazyviz-root { max-width: 1400px; margin: 0 auto; }
/* A page that fills the window (`fill`): the `height` trait is a notebook cell's. */
html[data-lazyviz-fill] #lazyviz-root .lazyviz { height: calc(100vh - 32px) !important; }
#lazyviz-failure { color: var(--jp-error-color1); white-space: pre-wrap; }
"""

_TEMPLATE = """<!doctype html>
<html lang="en"{fill}>
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="generator" content="lazyviz">
<title>{title}</title>
<style>{page_css}</style>
<style id="lazyviz-css">{css}</style>
</head>
<body>
<div id="lazyviz-root"></div>
<script type="application/json" id="lazyviz-state">{state}</script>
<script type="application/json" id="lazyviz-esm">{esm}</script>
<script type="module" nonce="{nonce}">{loader}</script>
</body>
</html>
"""
