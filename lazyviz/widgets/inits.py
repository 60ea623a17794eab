"""The initializer comparison widget returned by :func:`lazyviz.compare_inits`.

Synced state only: the ``lazyviz.inits/1`` record, the module types used as
labels, which parameter is on screen and whether its panels share one x-axis.
The drawing (one histogram panel per initializer, the parameter picker,
activations and gradients across depth) is the front end's
``js/src/inits/``, bundled as ``lazyviz/static/inits.js``.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import traitlets
from torch import nn

from lazyviz.inits.compare import DEFAULT_INITS, MAX_NUMEL, compare_data
from lazyviz.record.names import qualname
from lazyviz.widgets.frontend import BundledWidget

__all__ = ["InitsWidget", "compare_inits"]


class InitsWidget(BundledWidget):
    """Histograms of each parameter under each initializer, and activations by depth.

    Made by :func:`lazyviz.compare_inits`; can be re-created from its data
    alone: ``InitsWidget(w.to_dict())``.

    Parameters
    ----------
    data : dict
        A ``lazyviz.inits/1`` record.
    types : dict, optional
        ``{path: module type}`` for labels (``"0 · Linear"``).
    title : str
        Shown in the header (the model's class name).
    selected : str, optional
        The parameter to show first, by qualified name (``"0.weight"``);
        by default the first one in graph order.
    same_scale : bool
        One x-axis range for all panels (default True).
    """

    _bundle = "inits"

    data = traitlets.Dict().tag(sync=True)
    """The comparison record, schema ``lazyviz.inits/1`` (what :meth:`to_dict` returns)."""

    types = traitlets.Dict().tag(sync=True)
    """``{path: module or op type}`` of the model's nodes, for labels."""

    title = traitlets.Unicode("").tag(sync=True)
    """The header text: the model's class name."""

    selected = traitlets.Unicode("").tag(sync=True)
    """Qualified name (``"0.weight"``) of the parameter whose panels are shown."""

    same_scale = traitlets.Bool(True).tag(sync=True)
    """All histogram panels of the selected parameter share one x-axis range (the
    "same scale" toggle), so N(0, 0.01) and N(0, 0.2) look as different as they are."""

    height = traitlets.Int(640).tag(sync=True)
    """Pixel height of the widget in a notebook cell."""

    def __init__(
        self,
        data: dict[str, Any],
        *,
        types: dict[str, str] | None = None,
        title: str = "",
        selected: str | None = None,
        **kwargs: Any,
    ) -> None:
        unknown = set(kwargs) - {"height", "same_scale"}
        if unknown:
            raise TypeError(
                f"InitsWidget got unexpected keyword argument(s) {sorted(unknown)}; "
                "it takes data, types, title, selected, same_scale and height"
            )
        if data.get("schema") != "lazyviz.inits/1":
            raise ValueError(f"not a lazyviz.inits/1 record: schema is {data.get('schema')!r}")
        names = [_qualname(p) for p in data["params"]]
        if selected is None:
            selected = names[0] if names else ""
        elif selected not in names:
            raise ValueError(f"no parameter {selected!r}; the model has {names}")
        super().__init__(
            data=data, types=dict(types or {}), title=title, selected=selected, **kwargs
        )

    @property
    def params(self) -> list[str]:
        """Qualified names of the compared parameters, in graph order."""
        return [_qualname(p) for p in self.data["params"]]

    @property
    def inits(self) -> list[str]:
        """Labels of the compared initializers."""
        return list(self.data["inits"])

    def to_dict(self) -> dict[str, Any]:
        """The comparison record (schema ``lazyviz.inits/1``), a deep copy."""
        return copy.deepcopy(dict(self.data))

    def to_html(self, path: str | Path) -> Path:
        """Write one self-contained offline page (no kernel, no network); returns its path."""
        from lazyviz.export.page import write_html

        return write_html(self, path, title=f"lazyviz · initializers · {self.title}".rstrip(" ·"))

    @traitlets.validate("selected")
    def _check_selected(self, proposal: Any) -> str:
        value = str(proposal["value"])
        names = [_qualname(p) for p in self.data.get("params", [])]
        if value and names and value not in names:
            raise traitlets.TraitError(f"no parameter {value!r}; the model has {names}")
        return value

    def __repr__(self) -> str:
        """A short text summary: what a renderer without JavaScript shows."""
        head = (
            f"lazyviz.InitsWidget {self.title}: {len(self.params)} parameters "
            f"x {len(self.inits)} initializers ({', '.join(self.inits)})"
        )
        rows = [_std_row(p, self.inits) for p in self.data["params"][:REPR_ROWS]]
        more = len(self.params) - REPR_ROWS
        tail = [f"... and {more} more parameters"] if more > 0 else []
        width = max((len(r[0]) for r in rows), default=0)
        lines = [f"{name.ljust(width)}  {stds}" for name, stds in rows]
        return "\n".join([head, "std by initializer:", *lines, *tail, *self._grad_lines()])

    def _grad_lines(self) -> list[str]:
        """Gradient std of the first and last weight by initializer, and the loss behind them."""
        grads = self.data.get("gradients")
        if not grads:
            return []
        out = [f"gradient std, first -> last weight (loss: {self.data.get('loss', '?')}):"]
        for label in self.inits:
            rows = [r for r in grads.get(label, []) if _is_weight(r, self.data["params"])]
            if rows:
                first, last = rows[0]["std"], rows[-1]["std"]
                out.append(f"  {label} {_num(first)} -> {_num(last)}")
        return out if len(out) > 1 else []


REPR_ROWS = 12
"""Parameters listed in the text summary; the rest are counted."""


def _std_row(record: dict[str, Any], inits: list[str]) -> tuple[str, str]:
    shape = "(" + ", ".join(str(d) for d in record["shape"]) + ")"
    cells = []
    for label in inits:
        std = record["per_init"].get(label, {}).get("std")
        cells.append(f"{label} {'n/a' if std is None else format(std, '.3g')}")
    return f"{_qualname(record)} {shape}", " · ".join(cells)


def _num(x: float | None) -> str:
    return "n/a" if x is None else format(x, ".3g")


def _is_weight(row: dict[str, Any], params: list[dict[str, Any]]) -> bool:
    """A gradient row of a parameter with two or more dimensions."""
    return any(
        p["path"] == row["path"] and p["param"] == row["param"] and len(p["shape"]) >= 2
        for p in params
    )


def _qualname(record: dict[str, Any]) -> str:
    return qualname(record["path"], record["param"])


def compare_inits(
    model: nn.Module,
    *inputs: Any,
    inits: Any = DEFAULT_INITS,
    seed: int | None = 0,
    bins: int | None = None,
    max_numel: int = MAX_NUMEL,
    input_kwargs: Mapping[str, Any] | None = None,
    grads: bool = True,
    loss_fn: Callable[..., Any] | None = None,
    target: Any = None,
) -> InitsWidget:
    """A widget comparing initializers on ``model``: weight histograms and activations by depth.

    Parameters
    ----------
    model : torch.nn.Module
        The model, lazy or not. It is never changed: everything runs on a
        private copy.
    *inputs : Tensor or tuple/list/dict of tensors
        One batch, passed as ``model(*inputs, **input_kwargs)``. It resolves
        the lazy shapes and flows through the model once per initializer.
    inits : name, callable, Initializer, list of those, or {label: init} dict
        Registry names (``"default"``, ``"xavier_uniform"``,
        ``"kaiming_normal(nonlinearity='relu')"``, ``"normal(std=0.01)"``...),
        functions that fill a tensor in place like ``torch.nn.init.*_``, or
        :class:`lazyviz.Initializer` instances.
    seed : int or None
        Seeds every draw; the same seed gives the same result. ``None`` draws a
        fresh seed (the global RNG is untouched either way).
    bins : int, optional
        Histogram bins; by default Rice's rule, between 5 and 80.
    max_numel : int
        A parameter with more entries is binned from an evenly strided sample
        of this size (its record says ``"sampled": n``).
    input_kwargs : dict, optional
        Keyword inputs of the model.
    grads : bool
        Also run one backward pass per initializer on the batch and record
        each parameter's gradient (``"gradients"`` in the record), for the
        vanishing / exploding gradients picture. On by default: it adds about
        one backward pass per initializer (see ``benchmarks/bench_inits.py``).
    loss_fn : callable, optional
        ``loss_fn(output, target)`` (``loss_fn(output)`` without a target)
        returning a scalar tensor, e.g. ``torch.nn.CrossEntropyLoss()``.
        Without it the loss is the sum of every floating-point entry of the
        output (``"loss": "sum of outputs"`` in the record).
    target : Tensor or nested tensors, optional
        The second argument of ``loss_fn``.

    Returns
    -------
    lazyviz.InitsWidget
        ``.to_dict()`` is the data (schema ``lazyviz.inits/1``);
        ``.to_html(path)`` writes an offline page.

    Raises
    ------
    ValueError
        An unknown init name (the message lists the valid ones), bad
        arguments, a batch the model fails on, or a ``loss_fn`` that fails or
        returns no scalar tensor. (A backward pass that fails inside the model
        is recorded in ``"grad_errors"`` instead, its rows left empty.)
    """
    data, types = compare_data(
        model,
        inputs,
        input_kwargs,
        inits=inits,
        seed=seed,
        bins=bins,
        max_numel=max_numel,
        grads=grads,
        loss_fn=loss_fn,
        target=target,
    )
    return InitsWidget(data, types=types, title=type(model).__name__)
