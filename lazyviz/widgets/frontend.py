"""How lazyviz's widgets reach a notebook: the front-end code stored once, a picture kept.

Two things every widget class shares (docs/widget-state.md, "Every widget"):

* **The code once per notebook.** A widget's ``_esm`` is a small loader; the
  bundle itself (700 KB-1.2 MB) lives in one hidden :class:`Runtime` model
  per bundle and kernel, which the loader finds through the widget manager.
  A notebook saved with widget state then stores the bundle once, however
  many widgets it shows. Where a front end has no widget manager to ask
  (marimo), the loader asks the kernel for the code with a message.
* **A picture in the output.** A widget is displayed with a display id; once
  the front end has drawn it, it sends back a picture of what it shows, and
  the display is re-published with that picture beside the widget view, so
  renderers that run no widget code (GitHub, nbconvert) show the graph.
  Re-publishing makes the notebook render the output again; the front end
  moves the drawing it already has into the new view instead of drawing
  again (``js/src/output.ts``).
"""

from __future__ import annotations

import sys
import uuid
from functools import cache
from typing import Any

import anywidget
import ipywidgets
import traitlets

from lazyviz.export.assets import STATIC, bundle

__all__ = ["BundledWidget", "Runtime"]


PICTURE_TYPES = ("image/svg+xml", "image/png")
MAX_PICTURE = 3_000_000
"""Characters of picture text kept in a notebook output; a bigger one is ignored."""

MAX_TEXT_LINES = 120
"""Lines of ``repr(widget)`` a notebook output keeps as its text: a 20k-module table is
1.3 MB, stored again in every output and re-sent with every picture."""

MAX_DISPLAYS = 8
"""Displays of one widget kept up to date with its picture (the newest ones)."""


class Runtime(ipywidgets.Widget):  # type: ignore[misc]  # ipywidgets has no types: Any
    """A hidden model holding one bundle's code: stored once in a saved notebook.

    Never displayed; the widgets' loaders read ``code`` and ``css`` from it.
    """

    _model_name = traitlets.Unicode("WidgetModel").tag(sync=True)
    _model_module = traitlets.Unicode("@jupyter-widgets/base").tag(sync=True)
    _model_module_version = traitlets.Unicode("2.0.0").tag(sync=True)
    name = traitlets.Unicode("").tag(sync=True)
    version = traitlets.Unicode("").tag(sync=True)
    code = traitlets.Unicode("").tag(sync=True)
    css = traitlets.Unicode("").tag(sync=True)


@cache
def _runtime(name: str, version: str) -> Runtime:
    b = bundle(name)
    return Runtime(name=name, version=version, code=b.code, css=b.css)


def _in_marimo() -> bool:
    """marimo runs anywidgets without ipywidgets' manager: no Runtime model there."""
    mo = sys.modules.get("marimo")
    try:
        return bool(mo is not None and mo.running_in_notebook())
    except Exception:
        return False


def runtime_ref(name: str) -> dict[str, str]:
    """What a widget's loader needs to find its bundle: the Runtime's model id and version.

    The model id is ``""`` where no Runtime can be made (marimo, no kernel
    comm): the loader then asks the kernel.
    """
    b = bundle(name)
    ref = {"name": name, "version": b.version, "model": ""}
    if not _in_marimo():
        try:
            ref["model"] = _runtime(name, b.version).model_id
        except Exception:  # no comm to open (plain python): the loader asks the kernel
            ref["model"] = ""
    return ref


class BundledWidget(anywidget.AnyWidget):
    """An anywidget whose code is stored once per notebook and whose output keeps a picture.

    Subclasses set ``_bundle`` to the name of their bundle in ``lazyviz/static``.
    """

    _bundle = "widget"
    _esm = STATIC / "loader.js"

    _runtime = traitlets.Dict().tag(sync=True)
    """``{name, version, model}``: where the loader finds the bundle (docs/widget-state.md)."""

    _pictures = traitlets.Bool(False).tag(sync=True)
    """True once the widget is displayed in a notebook: the front end sends pictures back."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("_runtime", runtime_ref(self._bundle))
        super().__init__(**kwargs)
        self._display_ids: list[str] = []
        self._picture: dict[str, str] = {}
        self.on_msg(self._on_front_end_message)

    def _ipython_display_(self) -> None:
        """Show the widget under a display id, so its picture can be added to that output."""
        from IPython.display import display

        data, metadata = self._display_bundle()
        display_id = uuid.uuid4().hex
        self._display_ids = [*self._display_ids, display_id][-MAX_DISPLAYS:]
        self._pictures = True
        display(data, raw=True, metadata=metadata, display_id=display_id)

    def _display_bundle(self) -> tuple[dict[str, Any], dict[str, Any]]:
        bundle_ = self._repr_mimebundle_()
        data, metadata = bundle_ if isinstance(bundle_, tuple) else (bundle_, None)
        data = dict(data or {})
        if isinstance(data.get("text/plain"), str):
            data["text/plain"] = bounded_text(data["text/plain"])
        return {**data, **self._picture}, dict(metadata or {})

    def _on_front_end_message(self, _widget: Any, content: Any, _buffers: Any) -> None:
        if not isinstance(content, dict):
            return
        if content.get("type") == "lazyviz:code?":
            b = bundle(self._bundle)
            self.send({"type": "lazyviz:code", "version": b.version, "code": b.code, "css": b.css})
        elif content.get("type") == "lazyviz:picture":
            self._keep_picture(content.get("mime"), content.get("data"))

    def _keep_picture(self, mime: object, data: object) -> None:
        """Re-publish every display of this widget with the front end's picture of it."""
        if mime not in PICTURE_TYPES or not isinstance(data, str) or not data:
            return
        if len(data) > MAX_PICTURE or self._picture.get(str(mime)) == data:
            return
        self._picture = {str(mime): data}
        if not self._display_ids:
            return
        from IPython.display import update_display

        full, metadata = self._display_bundle()
        # The notebook renders each updated output again: the front end moves its
        # drawing into the new view when it was told to expect one.
        self.send({"type": "lazyviz:repaint", "count": len(self._display_ids)})
        for display_id in self._display_ids:
            update_display(full, raw=True, metadata=metadata, display_id=display_id)

    @property
    def picture(self) -> dict[str, str]:
        """The front end's latest picture of the widget, ``{mime type: data}`` (empty before)."""
        return dict(self._picture)


def bounded_text(text: str, limit: int = MAX_TEXT_LINES) -> str:
    """``text`` cut to ``limit`` lines: its head, a line saying how many were left out, and its
    last lines (where a table's error and a widget's run summary are)."""
    lines = text.split("\n")
    if len(lines) <= limit:
        return text
    tail = lines[-10:]
    head = lines[: limit - len(tail) - 1]
    left_out = len(lines) - len(head) - len(tail)
    note = f"... {left_out:,} more lines (repr(w) prints them all)"
    return "\n".join([*head, note, *tail])
