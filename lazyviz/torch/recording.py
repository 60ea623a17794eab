"""What one recorded run holds while it runs, and the few ways it grows.

The record being filled, the node of each module (keyed by the module
object's identity), the module calls in progress, and which node produced
each live tensor. The module hooks (:mod:`lazyviz.torch.hooks`), the op mode
(:mod:`lazyviz.torch.op_mode`) and the end of the run
(:mod:`lazyviz.torch.end_of_run`) all write the record through it.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterable
from typing import Any

import torch
from torch import nn

from lazyviz.record.graph import Node, Param, Trace
from lazyviz.torch.laws import default_words
from lazyviz.torch.shapes import is_uninitialized
from lazyviz.torch.structure import module_family

OutputCallback = Callable[[Node, list[torch.Tensor]], None]


class Producers:
    """Which node produced each live tensor, without keeping any tensor alive.

    A dict by ``id`` with a weak reference to check the id was not reused;
    cheaper than ``WeakIdKeyDictionary`` on the hot path of every module call.
    """

    def __init__(self) -> None:
        self._by_id: dict[int, tuple[weakref.ref[torch.Tensor], str]] = {}

    def __setitem__(self, tensor: torch.Tensor, node_id: str) -> None:
        self._by_id[id(tensor)] = (weakref.ref(tensor), node_id)

    def get(self, tensor: torch.Tensor) -> str | None:
        entry = self._by_id.get(id(tensor))
        return entry[1] if entry is not None and entry[0]() is tensor else None

    def __contains__(self, tensor: torch.Tensor) -> bool:
        return self.get(tensor) is not None

    def __getitem__(self, tensor: torch.Tensor) -> str:
        node_id = self.get(tensor)
        if node_id is None:
            raise KeyError("tensor has no recorded producer")
        return node_id


class Frame:
    """One module call in progress."""

    __slots__ = ("leaf", "module", "node", "op_counts", "private", "quiet", "seen")

    def __init__(
        self, node: Node, module: nn.Module, leaf: bool, seen: dict[str, tuple[int, bool]]
    ) -> None:
        self.node = node
        self.module = module
        self.leaf = leaf
        self.seen = seen  # param name -> (id, was uninitialized)
        self.op_counts: dict[str, int] | None = None
        self.quiet = False  # the op mode is off for the duration of this (leaf) call
        self.private = False  # the private-random mode was turned on for this (leaf) call


class Recording:
    """One run of ``model`` being written into ``trace``, a record of its structure.

    ``trace`` comes from :func:`~lazyviz.torch.structure.build_structure` of
    the same model: its module nodes are found by qualified name, so each
    module object gets the node of its path.
    """

    def __init__(
        self, model: nn.Module, trace: Trace, on_output: OutputCallback | None = None
    ) -> None:
        self.model = model
        self.trace = trace
        self.on_output = on_output
        self.nodes: dict[int, Node] = {}  # id(module) -> its node
        self.leaves: set[int] = set()  # id(module) of modules with no child (data flows in)
        by_path = {node.path: node for node in trace.nodes.values() if node.kind == "module"}
        for path, module in model.named_modules():
            self.nodes[id(module)] = by_path[path]
            if is_leaf(module):
                self.leaves.add(id(module))
        # Which parameter object each module holds, as the record's sharing was computed
        self.holdings = holdings(model.modules())
        self.stack: list[Frame] = []  # never rebound: the hooks and the op mode share it
        self.producers = Producers()
        self.failed: dict[int, Node] = {}  # id(exception) -> innermost node it left
        self.edge_set: set[tuple[str, str]] = set(trace.edges)
        self.ops: dict[str, Node] = {}  # op path -> node
        self._next_id = len(trace.nodes)

    def add_inputs(self, inputs: list[tuple[str, torch.Tensor]]) -> None:
        """The model's inputs, as :func:`~lazyviz.torch.flatten.labelled_inputs` lists them."""
        for i, (_, tensor) in enumerate(inputs):
            self.producers[tensor] = f"in{i}"

    # ------------------------------------------------------------ the record
    def emit(self, kind: str, node: Node, **data: Any) -> None:
        event = {"seq": len(self.trace.events), "kind": kind, "node": node.id, **data}
        self.trace.events.append(event)

    def link(self, inputs: list[torch.Tensor], node: Node) -> None:
        """Edges into ``node`` from the producers of ``inputs``."""
        edge_set = self.edge_set  # inline: this runs for every leaf call and operation
        for tensor in inputs:
            src = self.producers.get(tensor)
            if src is not None and src != node.id and (src, node.id) not in edge_set:
                edge_set.add((src, node.id))
                self.trace.edges.append((src, node.id))

    def add_edge(self, src: str, dst: str) -> None:
        if (src, dst) not in self.edge_set:
            self.edge_set.add((src, dst))
            self.trace.edges.append((src, dst))

    def new_node_id(self) -> str:
        """An id no node of the record has: ``n<k>`` after the structure's."""
        node_id = f"n{self._next_id}"
        self._next_id += 1
        return node_id

    def new_module_node(self, module: nn.Module, path: str, parent: str) -> Node:
        """The node of a module the structure did not have (created during the run)."""
        node = Node(
            id=self.new_node_id(),
            path=path,
            type=type(module).__name__,
            kind="module",
            parent=parent,
            lazy=True,
            family=module_family(module),
        )
        self.trace.nodes[node.id] = node
        self.nodes[id(module)] = node
        if is_leaf(module):
            self.leaves.add(id(module))
        return node

    # ------------------------------------------------------------ parameters
    def check_materialized(self, frame: Frame, *, refresh: bool = True) -> None:
        """Emit ``materialize`` for every parameter of the frame's module that became known.

        ``refresh``: remember the parameters now, for a later check of the same frame.
        """
        module, node = frame.module, frame.node
        if not module._parameters and not frame.seen:
            return
        for name, param in module._parameters.items():
            if param is None or is_uninitialized(param):
                continue
            before = frame.seen.get(name)
            if before is not None and not before[1] and before[0] == id(param):
                continue
            if before is not None and not before[1] and not _reshaped(node.param(name), param):
                continue
            self.materialized(node, module, name, param)
        if refresh:
            frame.seen = param_state(module)

    def materialized(self, node: Node, module: nn.Module, name: str, param: torch.Tensor) -> None:
        """``module.<name>`` is known now: its shape in the record, a ``materialize`` event."""
        entry = node.param(name)
        if entry is None:  # created inside forward: nobody knew it would exist
            entry = Param(name=name, shape_before=None)
            node.params.append(entry)
        entry.shape = list(param.shape)
        entry.numel = int(param.numel())
        words = default_words(module, name, entry.shape)  # what the caption says PyTorch did
        node.default_init = {**(node.default_init or {}), name: words}
        node.lazy = True
        self.emit("materialize", node, param=name, shape=list(param.shape))

    def on_init(self, module: nn.Module, param: str, label: str, fill: str | None = None) -> None:
        """An ``init`` event: ``module.<param>`` was just initialized with ``label``."""
        node = self.nodes.get(id(module))
        if node is None:
            return
        frame = next((f for f in reversed(self.stack) if f.module is module), None)
        if frame is not None:  # its materialize event comes first
            self.check_materialized(frame)
        extra = {"fill": fill} if fill is not None and fill != label else {}
        self.emit("init", node, param=param, init=label, **extra)


def is_leaf(module: nn.Module) -> bool:
    """No child module: data flows into this module itself rather than through a child."""
    return not module._modules or all(child is None for child in module._modules.values())


def param_state(module: nn.Module) -> dict[str, tuple[int, bool]]:
    """Each parameter's identity and whether it is still lazy, to compare with later."""
    return {
        name: (id(p), is_uninitialized(p))
        for name, p in module._parameters.items()
        if p is not None
    }


def _reshaped(entry: Param | None, param: torch.Tensor) -> bool:
    return entry is None or entry.shape != list(param.shape)


def holdings(modules: Iterable[nn.Module]) -> list[Any]:
    """Each module with the name and identity of every parameter it holds, in order:
    equal lists mean the same parameters are tied the same way."""
    out: list[Any] = []
    for module in modules:
        if module._parameters:
            out.append(id(module))
            for name, param in module._parameters.items():
                out.append(name)
                out.append(id(param))
    return out
