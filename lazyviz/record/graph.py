"""The trace record: a torch-free data model of one run and its schema ``lazyviz.trace/1``.

Everything the widget, the initializer comparison and ``print(trace)`` show is
read from here. Nothing in this module imports torch, so the record can be
built, saved, loaded and drawn without it.
"""

from __future__ import annotations

import copy
import gc
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from lazyviz.record.table import render_table

SCHEMA = "lazyviz.trace/1"

Shape = list[int | None]
"""A shape as far as it is known: a list of dimensions, ``None`` for one not known yet."""

KnownShape = list[int]
"""The shape of a tensor that exists (a call's inputs and outputs, a parameter after the run)."""


@dataclass
class Param:
    """One parameter of a module node, before and after the run."""

    name: str
    shape_before: Shape | None
    shape: KnownShape | None = None
    numel: int | None = None
    shared_with: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "shape_before": _copy_shape(self.shape_before),
            "shape": _copy_shape(self.shape),
            "numel": self.numel,
            "shared_with": self.shared_with,
        }


@dataclass
class Node:
    """A module, a functional operation, an input or an output of the graph."""

    id: str
    path: str
    type: str
    kind: str  # "module" | "op" | "input" | "output"
    parent: str | None
    lazy: bool = False
    params: list[Param] = field(default_factory=list)
    input_shapes: list[KnownShape] = field(default_factory=list)
    output_shapes: list[KnownShape] = field(default_factory=list)
    calls: int = 0
    error: dict[str, str | None] | None = None
    label: str | None = None  # the keyword of a keyword input, for display
    family: str | None = None  # "linear", "conv", "norm", ... (the framework adapter's word)
    infers: dict[str, Any] | None = None  # {"name", "dim"}: what a lazy module reads off its input
    # param name -> how the framework filled it when it materialized during the run, in words
    default_init: dict[str, str] | None = None

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)

    def to_dict(self) -> dict[str, Any]:
        out = {
            "id": self.id,
            "path": self.path,
            "type": self.type,
            "kind": self.kind,
            "parent": self.parent,
            "lazy": self.lazy,
            "params": [p.to_dict() for p in self.params],
            "input_shapes": [_copy_shape(s) for s in self.input_shapes],
            "output_shapes": [_copy_shape(s) for s in self.output_shapes],
            "calls": self.calls,
            "error": dict(self.error) if self.error else None,
        }
        if self.label is not None:
            out["label"] = self.label
        if self.family is not None:
            out["family"] = self.family
        if self.infers is not None:
            out["infers"] = dict(self.infers)
        if self.default_init:
            out["default_init"] = dict(self.default_init)
        return out


@dataclass
class Trace:
    """What lazyviz saw of a model and, optionally, of one batch through it.

    Attributes
    ----------
    model : str
        The class name of the traced model.
    nodes : dict[str, Node]
        Graph nodes by id, in a stable order: inputs, modules (as
        ``named_modules()`` lists them), operations (in order of first call),
        outputs.
    edges : list[tuple[str, str]]
        Data-flow edges ``(src, dst)`` in order of first use.
    events : list[dict]
        ``enter`` / ``materialize`` / ``init`` / ``exit`` / ``error`` events in
        the order they happened.
    """

    model: str
    inputs: list[dict[str, Any]] = field(default_factory=list)
    outputs: list[dict[str, Any]] = field(default_factory=list)
    nodes: dict[str, Node] = field(default_factory=dict)
    edges: list[tuple[str, str]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    _error: dict[str, str | None] | None = None
    compiled: bool = False  # the user's model was torch.compile'd; traced through its eager module
    framework: str | None = None  # "PyTorch" or "Keras": whose sizes and messages these are

    @property
    def error(self) -> dict[str, str | None] | None:
        """``None``, or the failure: ``{"node", "path", "type", "message", "hint"}``."""
        return dict(self._error) if self._error else None

    def node_at(self, path: str) -> Node | None:
        """The node whose ``path`` is ``path``, or None."""
        return next((n for n in self.nodes.values() if n.path == path), None)

    def to_dict(self) -> dict[str, Any]:
        """The record as JSON-serializable data, schema ``lazyviz.trace/1``."""
        gc_was_on = gc.isenabled()
        gc.disable()  # tens of thousands of small dicts: a collection pass would dominate
        try:
            out: dict[str, Any] = {
                "schema": SCHEMA,
                "model": self.model,
                "inputs": _plain_copy(self.inputs),
                "outputs": _plain_copy(self.outputs),
                "nodes": [n.to_dict() for n in self.nodes.values()],
                "edges": [{"src": s, "dst": d} for s, d in self.edges],
                "events": _plain_copy(self.events),
                "error": self.error,
                "compiled": self.compiled,
            }
            if self.framework is not None:
                out["framework"] = self.framework
            return out
        finally:
            if gc_was_on:
                gc.enable()

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Trace:
        """Rebuild a Trace from ``to_dict()`` output (e.g. a saved JSON file)."""
        if data.get("schema") != SCHEMA:
            raise ValueError(f"not a {SCHEMA} record: schema is {data.get('schema')!r}")
        nodes = {}
        for nd in data["nodes"]:
            params = [Param(**p) for p in nd.get("params", [])]
            fields = {k: v for k, v in nd.items() if k != "params"}
            nodes[nd["id"]] = Node(params=params, **fields)
        return cls(
            model=data["model"],
            inputs=copy.deepcopy(data.get("inputs", [])),
            outputs=copy.deepcopy(data.get("outputs", [])),
            nodes=nodes,
            edges=[(e["src"], e["dst"]) for e in data.get("edges", [])],
            events=copy.deepcopy(data.get("events", [])),
            _error=data.get("error"),
            compiled=bool(data.get("compiled", False)),
            framework=data.get("framework"),
        )

    def __str__(self) -> str:
        return render_table(self)

    def __repr__(self) -> str:
        state = "error" if self._error else f"{len(self.events)} events"
        return f"<lazyviz.Trace of {self.model}: {len(self.nodes)} nodes, {state}>"


def _plain_copy(data: Any) -> Any:
    """A deep copy of JSON data (lists, dicts, str, numbers, None), many times faster than
    ``copy.deepcopy`` on a big model's events."""
    return json.loads(json.dumps(data))


def _copy_shape(shape: Sequence[int | None] | None) -> list[int | None] | None:
    return None if shape is None else list(shape)
