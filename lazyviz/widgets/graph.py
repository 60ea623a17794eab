"""The notebook widget: a model's graph with its lazy shapes resolving as a batch flows through.

Synced state only (the trait contract is ``docs/widget-state.md``); the
drawing, layout and animation live in the front end (``js/``). Nothing is
computed here beyond calling the trace engine, so a widget can be re-created
from its traits with no kernel (that is what :meth:`LazyViz.to_html` does).
"""

from __future__ import annotations

import contextlib
import copy
import json
import time
import warnings
import weakref
from pathlib import Path
from typing import Any

import traitlets
from torch import nn

from lazyviz.adapters import Model, find_module, make_session, make_watcher
from lazyviz.record.graph import Trace
from lazyviz.torch.copying import gc_paused
from lazyviz.torch.flatten import iter_tensors
from lazyviz.torch.trace import check_model, eager_module
from lazyviz.torch.watch import COMPILED_NOTE
from lazyviz.widgets.frontend import BundledWidget

__all__ = ["LazyViz", "WatchedViz"]


class LazyViz(BundledWidget):
    """A model's layer graph with unknown shapes greyed out, and their resolution animated.

    Parameters
    ----------
    model : torch.nn.Module
        The model to show. It is never changed (unless ``inplace=True``): the
        widget runs batches through a private copy made once, so a later
        :meth:`feed` sees what earlier batches materialized.
    *args, **kwargs : Tensor or tuple/list/dict of tensors
        An optional first batch, passed to the model as ``model(*args,
        **kwargs)``. Without one the widget shows the structure only, every
        lazy shape unknown. Every keyword argument is a model input (as in
        :func:`lazyviz.trace`); widget options such as ``height`` or
        ``speed`` are set as attributes after construction
        (``w.height = 600``), so a non-tensor keyword raises ``TypeError``.
    inplace : bool
        Run batches through ``model`` itself, materializing it as a plain
        forward would (the same switch as :func:`lazyviz.trace`).
    depth : int, optional
        Fold containers nested deeper than this (``0``: the root's children
        only); by default big graphs fold automatically. ``inplace`` and
        ``depth`` are lazyviz's own keywords; every other keyword is a model
        input.

    Raises
    ------
    TypeError
        ``model`` is not a Module, or an input is not a tensor or a
        tuple/list/dict of tensors.

    Examples
    --------
    >>> net = nn.Sequential(nn.LazyLinear(256), nn.ReLU(), nn.LazyLinear(10))
    >>> w = LazyViz(net, torch.rand(2, 20))  # doctest: +SKIP
    >>> w.playing = True                      # doctest: +SKIP
    >>> w.feed(torch.rand(2, 30))             # now fails on layer 0: shown in red  # doctest: +SKIP
    """

    _bundle = "widget"

    runs = traitlets.List(traitlets.Dict()).tag(sync=True)
    """The recorded runs, oldest first, each a trace record (schema ``lazyviz.trace/1``).

    ``runs[0]`` is a structure-only record with no events until the first
    batch. A new run reaches the front end once, as a ``lazyviz:run``
    message (the list is never re-sent whole: ipywidgets would send all of
    it on every change); the list stays the state a saved page restores."""

    forwards = traitlets.List(traitlets.Int()).tag(sync=True)
    """How many forwards produced each record of :attr:`runs` (0 for the structure-only one).

    Synced at most a few times a second while a watched loop repeats a forward."""

    run = traitlets.Int(0).tag(sync=True)
    """Index into :attr:`runs` of the run on screen; a new run sets it to the newest."""

    step = traitlets.Int(0).tag(sync=True)
    """Animation position in the shown run: 0 = nothing played, ``len(events)`` = the end."""

    playing = traitlets.Bool(False).tag(sync=True)
    """Whether the animation is running; the front end sets it back to False at the end."""

    speed = traitlets.Float(1.0).tag(sync=True)
    """Animation speed as a multiple of the base rate (1.0 = 4 events per second)."""

    selected = traitlets.Unicode("").tag(sync=True)
    """Node id shown in the details panel, ``""`` for none. Selecting a node computes its
    histograms (once; cached)."""

    histograms = traitlets.Dict().tag(sync=True)
    """``{node_id: {param_name: {init_label: {edges, counts, mean, std, expected_std, theory}}}}``.

    Filled on demand for the nodes selected so far (:data:`DEFAULT_INITS`)."""

    histogram_notes = traitlets.Dict().tag(sync=True)
    """``{node_id: sentence}`` shown instead of histograms; key ``"*"`` applies to every node
    without histograms (an offline page that left them out)."""

    note = traitlets.Unicode("").tag(sync=True)
    """One sentence about what the widget cannot show (e.g. a compiled model), or ``""``."""

    height = traitlets.Int(480).tag(sync=True)
    """Pixel height of the widget in a notebook cell."""

    depth = traitlets.Int(None, allow_none=True).tag(sync=True)
    """Containers nested deeper than this are drawn folded (0: only the root's children
    show); ``None`` folds automatically when the graph is large. Like torchview's
    ``depth``; the reader can still open any group."""

    max_runs: int = 20
    """The most runs kept (the structure-only record aside); the first run, where the shapes
    resolved, is always kept, then the newest."""

    def __init__(
        self,
        model: nn.Module,
        *args: Any,
        inplace: bool = False,
        depth: int | None = None,
        **kwargs: Any,
    ) -> None:
        check_model(model)
        _check_keywords(kwargs)
        _check_depth(depth)
        with gc_paused():  # a collection pass over a big model's record costs more than it
            self._session = make_session(model, inplace=inplace)
            batch = bool(args or kwargs)
            first = self._session.run(args, kwargs) if batch else self._session.structure()
            self._init_state(first.to_dict(), forwards=1 if batch else 0)
        self.depth = depth

    def _init_state(self, record: dict[str, Any], *, forwards: int) -> None:
        super().__init__(runs=[record], forwards=[forwards])
        self._hist_cache: dict[str, Any] = {}
        self._unsent = 0  # repeats of the newest run not yet in the synced `forwards`
        self._synced_at = 0.0
        _flush_after_each_cell(self)

    @property
    def history(self) -> list[dict[str, Any]]:
        """The runs recorded, oldest first: ``[{"trace": record, "forwards": n}, ...]``.

        At most :attr:`max_runs` entries; the structure-only record is not one."""
        return [
            {"trace": copy.deepcopy(r), "forwards": n}
            for r, n in zip(self.runs, self._counts(), strict=False)
            if n > 0
        ]

    def feed(self, *args: Any, **kwargs: Any) -> LazyViz:
        """Run another batch through the widget's model and show it from step 0.

        The batch goes through the same private copy as the earlier ones, so a
        batch whose size no longer fits what the first one materialized fails,
        and the failing node is shown in red with PyTorch's message (nothing
        raises). The animation stops; set :attr:`playing` to play the new run.

        Returns
        -------
        LazyViz
            The widget itself, so ``w.feed(X2)`` as a cell's last line shows it.
        """
        _check_keywords(kwargs)
        self._add_run(self._session.run(args, kwargs).to_dict(), play=False)
        return self

    # ------------------------------------------------------------- history
    def _add_run(self, record: dict[str, Any], *, play: bool) -> None:
        """Append a run: sent to the front end once, never again."""
        self._flush_counts()
        drop = self._slot_to_free()
        if drop is not None:
            del self.runs[drop]
            del self.forwards[drop]
        # In place, on purpose: reassigning the list would re-send all of it.
        self.runs.append(record)
        counts = [*self.forwards, 1]
        self.send({"type": "lazyviz:run", "entry": record, "drop": drop})
        with self.hold_sync():
            self.playing = False
            self.step = 0
            self.forwards = counts
            self.run = len(self.runs) - 1
            self.playing = play
        self._synced_at = time.monotonic()

    def _slot_to_free(self) -> int | None:
        if self.forwards and self.forwards[0] == 0:
            return 0  # the structure-only record gives way to the first real run
        if len(self.runs) >= max(self.max_runs, 1):
            return 1 if self.max_runs > 1 else 0  # keep the run where the shapes resolved
        return None

    def _count_repeat(self) -> None:
        """The newest run happened once more: count it; sync a few times a second at most."""
        self._unsent += 1
        if time.monotonic() - self._synced_at >= COUNT_INTERVAL:
            self._flush_counts()

    def _flush_counts(self) -> None:
        if not self._unsent:
            return
        self.forwards = self._counts()
        self._unsent = 0
        self._synced_at = time.monotonic()

    def _counts(self) -> list[int]:
        counts = list(self.forwards)
        if counts:
            counts[-1] += self._unsent
        return counts

    def to_dict(self) -> dict[str, Any]:
        """The trace record of the run on screen (schema ``lazyviz.trace/1``), a copy."""
        return copy.deepcopy(self.runs[self.run])

    def to_html(self, path: str | Path) -> Path:
        """Write the widget as one self-contained HTML page (works offline, no kernel).

        The page carries the current state (runs, step, selection), so it
        opens where the widget is now, and the histograms of as many layers
        as fit in :data:`PAGE_HISTOGRAM_BUDGET` bytes (the others say so).

        Returns
        -------
        pathlib.Path
            The path written.
        """
        from lazyviz.export.page import widget_state, write_html

        self._flush_counts()
        state = widget_state(self)
        state["histograms"], state["histogram_notes"] = self._page_histograms()
        title = f"lazyviz · {self.runs[self.run].get('model', '')}"
        return write_html(self, path, title=title, state=state)

    def to_svg(self, path: str | Path, step: int | None = None) -> Path:
        """Write what the widget shows at ``step`` (None: the current one) as a standalone SVG.

        See :func:`lazyviz.export.pictures.to_svg`; needs ``pip install "lazyviz[pictures]"``.
        """
        from lazyviz.export.pictures import to_svg

        return to_svg(self, path, step)

    def to_png(self, path: str | Path, step: int | None = None, scale: float = 2) -> Path:
        """Write the widget at ``step`` (None: the current one) as a PNG, ``scale`` x its size.

        See :func:`lazyviz.export.pictures.to_png`; needs ``pip install "lazyviz[pictures]"``.
        """
        from lazyviz.export.pictures import to_png

        return to_png(self, path, step, scale)

    def to_gif(self, path: str | Path, fps: float = 4, **options: Any) -> Path:
        """Write the whole animation, captions included, as a looping GIF.

        See :func:`lazyviz.export.pictures.to_gif` (``scale``, ``max_frames``); needs
        ``pip install "lazyviz[pictures]"``.
        """
        from lazyviz.export.pictures import to_gif

        return to_gif(self, path, fps, **options)

    # ---------------------------------------------------------- histograms
    @traitlets.observe("selected")
    def _on_selected(self, change: dict[str, Any]) -> None:
        node_id = change["new"]
        if node_id and node_id not in self.histograms and node_id not in self.histogram_notes:
            data, note = self._node_histograms(node_id)
            if data:
                self.histograms = {**self.histograms, node_id: data}
            elif note:
                self.histogram_notes = {**self.histogram_notes, node_id: note}

    def _node_histograms(self, node_id: str) -> tuple[dict[str, Any], str | None]:
        """What the details panel shows for one node, or the sentence saying why not."""
        from lazyviz.inits.compare import node_histograms

        node = next((n for n in self.runs[self.run]["nodes"] if n["id"] == node_id), None)
        if node is None or node["kind"] != "module" or not node["params"]:
            return {}, None
        if not any(p["shape"] is not None for p in node["params"]):
            return {}, "No histograms: this layer's shapes are not known in this run."
        model = self._histogram_model()
        path = node["path"]
        found = find_module(model, path) if model is not None else None
        if found is None:
            return {}, "No histograms: this layer is no longer in the model."
        module, parent = found
        try:
            return node_histograms(module, parent, path), None
        except Exception as exc:  # the panel is an extra: it never costs the widget
            return {}, f"No histograms: {type(exc).__name__}: {exc}"

    def _histogram_model(self) -> Model | None:
        return self._session.model

    def _page_histograms(self) -> tuple[dict[str, Any], dict[str, str]]:
        """Histograms for an offline page: the selected node first, then in order, within budget."""
        hists = dict(self.histograms)
        notes = dict(self.histogram_notes)
        size = len(json.dumps(hists))
        ids = [n["id"] for n in self.runs[self.run]["nodes"] if n["kind"] == "module"]
        order = [self.selected] if self.selected in ids else []
        for node_id in [*order, *ids]:
            if node_id in hists or node_id in notes:
                continue
            if size > PAGE_HISTOGRAM_BUDGET:
                notes["*"] = LEFT_OUT
                break
            data, note = self._node_histograms(node_id)
            if data:
                hists[node_id] = data
                size += len(json.dumps(data))
            elif note:
                notes[node_id] = note
        return hists, notes

    def _after_cell(self) -> None:
        self._flush_counts()

    @traitlets.validate("run")
    def _valid_run(self, proposal: dict[str, Any]) -> int:
        value = int(proposal["value"])
        if not 0 <= value < max(len(self.runs), 1):
            raise traitlets.TraitError(
                f"run must be an index into runs (0..{len(self.runs) - 1}), got {value}"
            )
        return value

    @traitlets.validate("step")
    def _valid_step(self, proposal: dict[str, Any]) -> int:
        value = int(proposal["value"])
        steps = self.steps
        if not 0 <= value <= steps:
            raise traitlets.TraitError(
                f"step must be between 0 (nothing played) and {steps} (the end), got {value}"
            )
        return value

    @traitlets.validate("speed")
    def _valid_speed(self, proposal: dict[str, Any]) -> float:
        value = float(proposal["value"])
        if not value > 0:
            raise traitlets.TraitError(f"speed must be positive, got {value}")
        return value

    @traitlets.observe("run")
    def _clamp_step(self, change: dict[str, Any]) -> None:
        # A run with fewer events than the old position: show its end, not an invalid step.
        self.step = min(self.step, self.steps)

    def __repr__(self) -> str:
        """The ``print(trace)`` table of the run on screen: what a renderer without JavaScript
        (GitHub, nbconvert, a plain ``python``) shows instead of the widget."""
        table = str(Trace.from_dict(self.runs[self.run]))
        counts = self._counts()
        forwards = counts[self.run] if self.run < len(counts) else 1
        extra = []
        if len(self.runs) > 1:
            extra.append(f"run {self.run + 1} of {len(self.runs)}")
        if forwards > 1:
            extra.append(f"x{forwards:,} forwards with these shapes")
        if self.note:
            extra.append(self.note)
        return table if not extra else table + "\n" + " · ".join(extra)

    @property
    def steps(self) -> int:
        """The number of animation steps of the run on screen (its event count)."""
        if not self.runs:
            return 0
        return len(self.runs[self.run].get("events", []))


COUNT_INTERVAL = 0.25
"""Seconds between syncs of the repeat count while a watched loop runs."""

PAGE_HISTOGRAM_BUDGET = 300_000
"""Bytes of histograms an offline page embeds; layers past it say they were left out."""

LEFT_OUT = (
    "Histograms of this layer were left out of this page to keep it small; "
    "select the layer in the notebook to see them."
)


def _flush_after_each_cell(widget: LazyViz) -> None:
    """After each notebook cell, send the last repeat count and drop an interrupted forward.

    A loop that ends between two throttled syncs would otherwise leave the
    front end's count behind; a cell stopped by Ctrl-C leaves its forward
    unfinished (KeyboardInterrupt skips torch's exit hooks).
    """
    try:
        from IPython.core.getipython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is None:
        return
    ref = weakref.ref(widget)

    def after_cell(*_: Any) -> None:
        w = ref()
        if w is None:
            shell.events.unregister("post_run_cell", after_cell)
            return
        w._after_cell()

    shell.events.register("post_run_cell", after_cell)


def _check_depth(depth: object) -> None:
    if depth is not None and (not isinstance(depth, int) or isinstance(depth, bool) or depth < 0):
        raise ValueError(f"depth must be None or an integer >= 0, got {depth!r}")


def _check_keywords(kwargs: dict[str, Any]) -> None:
    """Keyword arguments are model inputs; say so when one looks like a widget option."""
    for key, value in kwargs.items():
        if key in LazyViz.class_trait_names(sync=True) and not any(
            True for _ in iter_tensors(value)
        ):
            raise TypeError(
                f"LazyViz passes keyword arguments to the model as inputs, and {key}="
                f"{value!r} is not a tensor. To set the widget option, assign it after "
                f"construction: w = LazyViz(model, X); w.{key} = {value!r}"
            )


class WatchedViz(LazyViz):
    """A :class:`LazyViz` that follows the user's own model: see :func:`lazyviz.watch`."""

    def __init__(self, model: nn.Module, *, max_runs: int = 20) -> None:
        if not isinstance(max_runs, int) or max_runs < 1:
            raise ValueError(f"max_runs must be a positive integer, got {max_runs!r}")
        module, compiled = eager_module(model)
        self.max_runs = max_runs
        structure = make_session(module, inplace=True).structure()
        structure.compiled = compiled
        self._init_state(structure.to_dict(), forwards=0)
        self._called = weakref.ref(model)
        self._watcher = make_watcher(model, self._show_run, self._count_repeat)
        if compiled:
            self.note = COMPILED_NOTE
            warnings.warn(f"lazyviz.watch: {COMPILED_NOTE}", stacklevel=3)

    @property
    def attached(self) -> bool:
        """True until :meth:`detach` (or the model was deleted)."""
        return self._watcher.attached

    def detach(self) -> None:
        """Stop watching: every hook lazyviz added is removed. Harmless to repeat."""
        self._flush_counts()
        self._watcher.detach()

    def feed(self, *args: Any, **kwargs: Any) -> WatchedViz:
        """Run a batch through the watched model itself (as ``model(X)`` would).

        A failure is shown on its node in the widget instead of raised.
        """
        model = self._called()
        if model is None or not self.attached:
            raise RuntimeError("this widget no longer watches a model (detached or deleted)")
        with contextlib.suppress(Exception):  # recorded by the watcher, drawn in red
            model(*args, **kwargs)
        return self

    def _show_run(self, trace: Trace) -> None:
        record = trace.to_dict()
        repeat = self.forwards[-1] > 0 and record == self.runs[-1] and _is_clean(record)
        if repeat:
            self._count_repeat()
        else:
            self._add_run(record, play=True)

    def _histogram_model(self) -> Model | None:
        return self._watcher.model

    def _after_cell(self) -> None:
        super()._after_cell()
        self._watcher.idle()


def _is_clean(record: dict[str, Any]) -> bool:
    return record["error"] is None and not any(
        e["kind"] in ("materialize", "init", "error") for e in record["events"]
    )
