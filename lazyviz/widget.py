"""The notebook widget: a model's graph with its lazy shapes resolving as a batch flows through.

Synced state only (the trait contract is ``docs/widget-state.md``); the
drawing, layout and animation live in the front end (``js/``). Nothing is
computed here beyond calling the trace engine, so a widget can be re-created
from its traits with no kernel (that is what :meth:`LazyViz.to_html` does).
"""

from __future__ import annotations

import copy
import warnings
from pathlib import Path
from typing import Any

import anywidget
import traitlets
from torch import nn

from lazyviz.flatten import iter_tensors
from lazyviz.trace import Session, check_model

__all__ = ["LazyViz"]

STATIC = Path(__file__).parent / "static"


class LazyViz(anywidget.AnyWidget):
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

    _esm = STATIC / "widget.js"
    _css = STATIC / "widget.css"

    runs = traitlets.List(traitlets.Dict()).tag(sync=True)
    """Every batch shown so far, each a trace record (schema ``lazyviz.trace/1``).

    ``runs[0]`` is a structure-only record with no events when the widget was
    made without a batch."""

    run = traitlets.Int(0).tag(sync=True)
    """Index into :attr:`runs` of the run on screen; :meth:`feed` sets it to the newest."""

    step = traitlets.Int(0).tag(sync=True)
    """Animation position in the shown run: 0 = nothing played, ``len(events)`` = the end."""

    playing = traitlets.Bool(False).tag(sync=True)
    """Whether the animation is running; the front end sets it back to False at the end."""

    speed = traitlets.Float(1.0).tag(sync=True)
    """Animation speed as a multiple of the base rate (1.0 = 4 events per second)."""

    selected = traitlets.Unicode("").tag(sync=True)
    """Node id shown in the details panel, ``""`` for none."""

    histograms = traitlets.Dict().tag(sync=True)
    """``{node_id: {param_name: {init_label: {edges, counts, mean, std, expected_std, theory}}}}``.

    Empty until the initializer comparison fills it."""

    height = traitlets.Int(480).tag(sync=True)
    """Pixel height of the widget in a notebook cell."""

    def __init__(self, model: nn.Module, *args: Any, inplace: bool = False, **kwargs: Any) -> None:
        check_model(model)
        _check_keywords(kwargs)
        self._session = Session(model, inplace=inplace)
        batch = bool(args or kwargs)
        first = self._session.run(args, kwargs) if batch else self._session.structure()
        record = first.to_dict()
        hists = _histograms(model, args, kwargs, record) if batch else {}
        super().__init__(runs=[record], histograms=hists)

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
        record = self._session.run(args, kwargs).to_dict()
        with self.hold_sync():
            self.playing = False
            self.step = 0
            self.runs = [*self.runs, record]
            self.run = len(self.runs) - 1
        return self

    def to_dict(self) -> dict[str, Any]:
        """The trace record of the run on screen (schema ``lazyviz.trace/1``), a copy."""
        return copy.deepcopy(self.runs[self.run])

    def to_html(self, path: str | Path) -> Path:
        """Write the widget as one self-contained HTML page (works offline, no kernel).

        The page carries the current state (runs, step, selection), so it
        opens where the widget is now.

        Returns
        -------
        pathlib.Path
            The path written.
        """
        from lazyviz.export import write_html

        return write_html(self, path, title=f"lazyviz · {self.runs[self.run].get('model', '')}")

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

    @property
    def steps(self) -> int:
        """The number of animation steps of the run on screen (its event count)."""
        if not self.runs:
            return 0
        return len(self.runs[self.run].get("events", []))


HISTOGRAM_LIMIT = 4_000_000
"""Largest model (in parameter entries) whose per-initializer histograms are computed up front.

Above it the details panel shows shapes only; ``lazyviz.compare_inits`` does the
same comparison on demand, sampling large parameters."""


def _histograms(
    model: nn.Module, args: tuple, kwargs: dict[str, Any], record: dict[str, Any]
) -> dict[str, Any]:
    """What each default initializer draws for every parameter, for the details panel."""
    known = sum(p["numel"] or 0 for n in record["nodes"] for p in n["params"])
    if record["error"] is not None or not 0 < known <= HISTOGRAM_LIMIT:
        return {}
    from lazyviz.compare import DEFAULT_INITS, compare_data, histograms_by_node

    try:
        data, _ = compare_data(model, args, kwargs, inits=DEFAULT_INITS, seed=0)
    except Exception as exc:  # the panel's histograms are an extra: never cost the widget
        warnings.warn(f"lazyviz: no histograms in the details panel ({exc})", stacklevel=3)
        return {}
    return histograms_by_node(data)


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
