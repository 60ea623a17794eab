"""Recording one call of a Keras model: every layer's call, its builds and its failure.

Keras builds a layer's weights inside ``Layer.__call__``, before the torch
module call starts, so torch's module hooks see layers only after their
weights exist and miss failures of Keras' own input checks. While something
is recorded, ``keras.layers.Layer.__call__`` is therefore wrapped (once, at
the class; removed when the last recording or watcher ends): calls of layers
that belong to an active recording on this thread are recorded, every other
call goes straight through. Symbolic calls (Keras building a model on
``KerasTensor``s) are never recorded.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import torch

from lazyviz.keras.structure import (
    KerasLayers,
    initializer_words,
    own_variables,
    static_edges,
)
from lazyviz.record.graph import Node, Param, Trace
from lazyviz.torch.flatten import Args, Kwargs, iter_tensors
from lazyviz.torch.structure import output_node

__all__ = ["KerasRecorder", "install", "uninstall"]

CallHandler = Callable[[Any, Args, Kwargs], object]

_local = threading.local()
_lock = threading.Lock()
_users = 0
_original: Any = None
_root_handlers: dict[int, CallHandler] = {}  # watched roots: id(layer) -> handler


def _recorders() -> list[KerasRecorder]:
    stack = getattr(_local, "stack", None)
    if stack is None:
        stack = _local.stack = []
    return stack


def _eager(args: Args, kwargs: Kwargs) -> bool:
    return any(True for _ in iter_tensors(args)) or any(True for _ in iter_tensors(kwargs))


def _call(self: Any, *args: Any, **kwargs: Any) -> Any:
    stack = getattr(_local, "stack", None)
    if stack:
        recorder = stack[-1]
        if id(self) in recorder.layers.ids and _eager(args, kwargs):
            return recorder.call(self, args, kwargs)
    elif _root_handlers:
        handler = _root_handlers.get(id(self))
        if handler is not None and _eager(args, kwargs):
            return handler(self, args, kwargs)
    return _original(self, *args, **kwargs)


def install() -> None:
    global _users, _original
    import keras

    with _lock:
        if _users == 0:
            _original = keras.layers.Layer.__dict__["__call__"]
            keras.layers.Layer.__call__ = _call
        _users += 1


def uninstall() -> None:
    global _users
    import keras

    with _lock:
        _users -= 1
        if _users == 0:
            keras.layers.Layer.__call__ = _original


def original_call(layer: Any, args: Args, kwargs: Kwargs) -> object:
    """``layer(*args, **kwargs)`` through Keras' own ``Layer.__call__``: what the layer returns."""
    return _original(layer, *args, **kwargs)


def watch_root(layer: Any, handler: CallHandler) -> None:
    _root_handlers[id(layer)] = handler


def unwatch_root(layer_id: int) -> None:
    _root_handlers.pop(layer_id, None)


class KerasRecorder:
    """Fills ``trace`` with the events of the layer calls of one forward of ``layers.model``."""

    def __init__(
        self,
        layers: KerasLayers,
        trace: Trace,
        on_output: Callable[[Node, list[torch.Tensor]], None] | None = None,
    ) -> None:
        self.layers = layers
        self.trace = trace
        self.on_output = on_output
        self.known = {id(v) for layer in layers for v in own_variables(layer)}
        self.producers: dict[int, str] = {}
        self._alive: list[torch.Tensor] = []  # tensors keyed by id stay alive meanwhile
        self.failure: tuple[Node, BaseException] | None = None
        self.exited_leaf = False

    # ------------------------------------------------------------ inputs
    def add_inputs(self, inputs: list[tuple[str, torch.Tensor]]) -> None:
        for i, (_, tensor) in enumerate(inputs):
            self._produced(tensor, f"in{i}")

    def _produced(self, tensor: torch.Tensor, node_id: str) -> None:
        if id(tensor) not in self.producers:
            self.producers[id(tensor)] = node_id
            self._alive.append(tensor)

    # ------------------------------------------------------------ calls
    def __enter__(self) -> KerasRecorder:
        install()
        _recorders().append(self)
        return self

    def __exit__(self, *exc: object) -> None:
        stack = _recorders()
        if self in stack:
            stack.remove(self)
        uninstall()

    def call(self, layer: Any, args: Args, kwargs: Kwargs) -> object:
        """One recorded call of ``layer``: its events, builds and failure; returns its output."""
        node = self.trace.nodes[self.layers.ids[id(layer)]]
        inputs = list(iter_tensors(args)) + list(iter_tensors(kwargs))
        node.calls += 1
        shapes = [list(t.shape) for t in inputs]
        if node.calls == 1:
            node.input_shapes = [list(s) for s in shapes]
        self.emit("enter", node, shapes=shapes)
        leaf = self.layers.leaf[id(layer)]
        if leaf:
            self._link(inputs, node)
        try:
            output = original_call(layer, args, kwargs)
        except BaseException as exc:
            self.check_built(layer, node)
            if self.failure is None:  # the innermost layer that raised
                self.failure = (node, exc)
                node.error = {"type": type(exc).__name__, "message": str(exc), "hint": None}
            raise
        self.failure = None  # an exception inside was caught by the model
        self.check_built(layer, node)
        outputs = list(iter_tensors(output))
        out_shapes = [list(t.shape) for t in outputs]
        if node.calls == 1:
            node.output_shapes = [list(s) for s in out_shapes]
        if leaf:
            for t in outputs:
                self._produced(t, node.id)
            self.exited_leaf = True
            if self.on_output is not None:
                self.on_output(node, outputs)
        self.emit("exit", node, shapes=out_shapes)
        return output

    def _link(self, inputs: list[torch.Tensor], node: Node) -> None:
        for t in inputs:
            src = self.producers.get(id(t))
            if src is None and not self.exited_leaf:  # converted by Keras on the way in
                matching = [
                    n.id
                    for n in self.trace.nodes.values()
                    if n.kind == "input" and n.output_shapes == [list(t.shape)]
                ]
                for m in matching:
                    self._edge(m, node.id)
                continue
            if src is not None:
                self._edge(src, node.id)

    def _edge(self, src: str, dst: str) -> None:
        if src != dst and (src, dst) not in self.trace.edges:
            self.trace.edges.append((src, dst))

    def check_built(self, layer: Any, node: Node) -> None:
        """A ``materialize`` event for each of the layer's own weights that appeared."""
        for v in own_variables(layer):
            if id(v) in self.known:
                continue
            self.known.add(id(v))
            shape = [int(d) for d in v.shape]
            param = node.param(v.name)
            if param is None:
                param = Param(name=v.name, shape_before=None)
                node.params.append(param)
            param.shape = shape
            param.numel = _numel(shape)
            words = initializer_words(layer, v.name)
            if words is not None:
                node.default_init = {**(node.default_init or {}), v.name: words}
            node.lazy = True
            self.emit("materialize", node, param=v.name, shape=list(shape))

    def emit(self, kind: str, node: Node, **data: Any) -> None:
        events = self.trace.events
        events.append({"seq": len(events), "kind": kind, "node": node.id, **data})

    # ------------------------------------------------------------ the end
    def finish(self, output: Any) -> None:
        last = None
        for e in reversed(self.trace.events):
            if e["kind"] == "exit" and self.layers.leaf.get(self._layer_id(e["node"]), False):
                last = e["node"]
                break
        for i, tensor in enumerate(iter_tensors(output)):
            info, node = output_node(i, tensor)
            self.trace.outputs.append(info)
            self.trace.nodes[node.id] = node
            src = self.producers.get(id(tensor), last)
            if src is not None:
                self._edge(src, node.id)
        self._alive.clear()

    def _layer_id(self, node_id: str) -> int:
        for key, value in self.layers.ids.items():
            if value == node_id:
                return key
        return 0

    def fail(self, exc: BaseException) -> None:
        """Close the trace with the failure, on the innermost layer whose call raised."""
        root = self.trace.nodes[self.layers.ids[id(self.layers.model)]]
        node, inner = self.failure if self.failure is not None else (root, exc)
        if node.error is None:
            node.error = {"type": type(inner).__name__, "message": str(inner), "hint": None}
        # The data stopped: the layers after the failure keep their known chain.
        for edge in static_edges(self.layers):
            if edge not in self.trace.edges:
                self.trace.edges.append(edge)
        self.trace._error = {
            "node": node.id,
            "path": node.path,
            "type": type(inner).__name__,
            "message": str(inner),
            "hint": None,
        }
        self.emit(
            "error", node, path=node.path, type=type(inner).__name__, message=str(inner), hint=None
        )
        self._alive.clear()


def _numel(shape: list[int]) -> int:
    n = 1
    for d in shape:
        n *= d
    return n
