"""The hooks that turn one forward pass into trace events, nodes and edges.

Modules are seen through global module forward (pre-)hooks; functional
operations between modules through a ``TorchFunctionMode``. Data-flow edges
follow tensors: each tensor remembers (weakly) which node produced it, and a
leaf module or an operation that consumes it gets an edge from that node.
"""

from __future__ import annotations

import contextlib
import sys
import threading
import weakref
from collections.abc import Callable, Iterator
from typing import Any, ClassVar

import torch
from torch import nn
from torch.nn.modules import module as module_hooks
from torch.overrides import TorchFunctionMode

from lazyviz.record.graph import Node, Param, Trace
from lazyviz.torch.copying import SharedWrite
from lazyviz.torch.doctor import hint, remember_sized, was_sized
from lazyviz.torch.flatten import iter_tensors
from lazyviz.torch.laws import default_words
from lazyviz.torch.ops import OpInfo, op_info, written_tensors
from lazyviz.torch.rng import PrivateRandom, draws_nothing, draws_privately, runs_torch_code_only
from lazyviz.torch.shapes import is_uninitialized
from lazyviz.torch.structure import (
    module_family,
    output_node,
    param_owners,
    qualified,
    sequential_edges,
    shared_with,
)


class Producers:
    """Which node produced each live tensor, without keeping any tensor alive.

    A dict by ``id`` with a weak reference to check the id was not reused;
    cheaper than ``WeakIdKeyDictionary`` on the hot path of every module call.
    """

    def __init__(self) -> None:
        self._by_id: dict[int, tuple[weakref.ref, str]] = {}

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


# Inside lazyviz's own hooks no torch function reaches any TorchFunctionMode: reading
# a shape there would otherwise be one more Python call into the op mode.
_NO_TORCH_FUNCTION = torch._C.DisableTorchFunction
_push_function_mode = torch._C._push_on_torch_function_stack
_pop_function_mode = torch._C._pop_torch_function_stack
_function_modes = torch._C._len_torch_function_stack
_function_mode_at = torch._C._get_function_stack_at

# Results that carry no tensor: an operation returning one of these records nothing.
_NOT_TENSORS = frozenset({torch.Size, int, float, bool, str, torch.dtype, torch.device})


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


class Recorder:
    """Records calls of one model's modules into a :class:`Trace`."""

    _active: ClassVar[list[Recorder]] = []

    def __init__(
        self,
        model: nn.Module,
        trace: Trace,
        *,
        on_output: Callable[[Node, list[torch.Tensor]], None] | None = None,
    ) -> None:
        self.model = model
        self.trace = trace
        self.on_output = on_output
        self.nodes: dict[int, Node] = {}
        self.leaves: set[int] = set()
        modules = list(model.modules())
        for node, module in zip(_module_nodes(trace), modules, strict=True):
            self.nodes[id(module)] = node
            if not module._modules or not any(True for _ in module.children()):
                self.leaves.add(id(module))
        # Which parameter object each module holds, as the record's sharing was computed
        self._holdings = _holdings(modules)
        self.stack: list[Frame] = []
        self.producers = Producers()
        self.failed: dict[int, Node] = {}  # id(exception) -> innermost node it left
        self.edge_set: set[tuple[str, str]] = set(trace.edges)
        self.ops: dict[str, Node] = {}  # op path -> node
        self.mode = _OpMode(self)
        self.guard = set()  # storages shared with the user's model: never write
        self._next_op = len(trace.nodes)
        self._handles: list[Any] = []
        self.thread = threading.get_ident()

    @property
    def random(self) -> PrivateRandom | None:
        """The private copy's generator mode, if any: off torch's stack, the recorder
        turns it on around every call and layer that may draw random numbers."""
        return self.mode.random

    @random.setter
    def random(self, mode: PrivateRandom | None) -> None:
        self.mode.random = mode

    @property
    def guard(self) -> set[int]:
        """Storages shared with the user's model: an in-place write into one is refused."""
        return self.mode.guard

    @guard.setter
    def guard(self, storages: set[int]) -> None:
        self.mode.guard = storages

    @classmethod
    def active(cls) -> list[Recorder]:
        return list(cls._active)

    # ----------------------------------------------------------------- wiring
    @contextlib.contextmanager
    def attached(self) -> Iterator[None]:
        """Hooks and the op mode on for the duration; removed even on error."""
        self.start()
        try:
            yield
        finally:
            self.stop()

    def start(self) -> None:
        """Start recording this thread's module calls: global hooks and the op mode on."""
        self.thread = threading.get_ident()
        self._handles = [
            module_hooks.register_module_forward_pre_hook(self._enter),
            module_hooks.register_module_forward_hook(
                self._exit, with_kwargs=True, always_call=True
            ),
        ]
        Recorder._active.append(self)
        self.mode.__enter__()

    def stop(self) -> None:
        """Remove every hook and the op mode. Harmless to repeat."""
        self.stop_hooks()
        self.leave_mode()

    def stop_hooks(self) -> None:
        """Remove the hooks only: the op mode is on the recording thread's stack, not ours."""
        for handle in self._handles:
            handle.remove()
            # torch's handle forgets this flag; a leftover makes every later torch.compile warn
            module_hooks._global_forward_hooks_with_kwargs.pop(handle.id, None)
        self._handles = []
        if self in Recorder._active:
            Recorder._active.remove(self)

    def enter_root(self, args: tuple) -> None:
        """The root's own call began: its global pre-hooks ran before :meth:`start`."""
        self._enter(self.model, args)

    def seen_from_outside(self, output: Any, exc: BaseException | None) -> None:
        """Close a forward seen only from outside (a compiled graph hides the layers).

        The root is entered and left; every parameter that became known meanwhile
        is a ``materialize`` event, found by comparing with the record.
        """
        node = self.nodes[id(self.model)]
        node.calls = 1
        node.input_shapes = [list(i["shape"]) for i in self.trace.inputs]
        self.emit("enter", node, shapes=node.input_shapes)
        if exc is not None:
            self.fail(exc)
            return
        outputs = _shapes(iter_tensors(output))
        node.output_shapes = outputs
        self.finish(output)
        self.emit("exit", node, shapes=outputs)

    def fail_at(self, module: nn.Module, exc: BaseException) -> None:
        """Close the trace with a failure known to have happened in ``module``."""
        node = self.nodes.get(id(module), self.nodes[id(self.model)])
        self.failed[id(exc)] = node
        node.error = {
            "type": type(exc).__name__,
            "message": str(exc),
            "hint": self._hint(module, node.path, (), exc),
        }
        self.fail(exc)

    def leave_mode(self) -> None:
        """Pop the op mode if it is on top; a forward interrupted inside a quiet leaf
        (KeyboardInterrupt skips torch's exit hooks) has popped it already."""
        if self._mode_on_top():
            self.mode.__exit__(None, None, None)

    def _mode_on_top(self) -> bool:
        depth = _function_modes()
        return depth > 0 and _function_mode_at(depth - 1) is self.mode

    def add_inputs(self, inputs: list[tuple[str, torch.Tensor]]) -> None:
        for i, (_, tensor) in enumerate(inputs):
            self.producers[tensor] = f"in{i}"

    # ------------------------------------------------------------ module hooks
    def _enter(self, module: nn.Module, args: tuple) -> None:
        if threading.get_ident() != self.thread:  # another thread's model, or this one's twin
            return
        node = self.nodes.get(id(module))
        with _NO_TORCH_FUNCTION():
            if node is None:
                node = self._adopt(module)
                if node is not None:
                    self._open(node, module, args, True)
            else:
                self._open(node, module, args, False)

    def _open(self, node: Node, module: nn.Module, args: tuple, fresh: bool) -> None:
        # a new module's parameters are all new
        seen = _param_state(module) if module._parameters and not fresh else {}
        leaf = id(module) in self.leaves
        frame = Frame(node, module, leaf, seen)
        self.stack.append(frame)
        node.calls += 1
        shapes = _shapes_of(args)
        if node.calls == 1:
            node.input_shapes = shapes
        events = self.trace.events
        events.append({"seq": len(events), "kind": "enter", "node": node.id, "shapes": shapes})
        if leaf:
            if self._can_go_quiet(module):
                # Inside a leaf the ops are the module's own implementation: nothing to
                # record, and seeing each one costs more than the op (lazy init runs dozens).
                _pop_function_mode()
                frame.quiet = True
            # Unseen by the op mode, the layer's own code runs under the private
            # generator unless it is known to draw nothing.
            random = self.mode.random
            if random is not None and not random.active and draws_privately(module):
                frame.private = random.activate()

    def _can_go_quiet(self, module: nn.Module) -> bool:
        if not self._mode_on_top():
            return False
        # A leaf holding weights shared with the user's model stays watched for
        # writes, unless it is one of torch.nn's own layers, which only read them.
        return (
            not self.guard
            or _reads_its_weights_only(module)
            or all(_storage_of(p) not in self.guard for p in module._parameters.values())
        )

    def _adopt(self, module: nn.Module) -> Node | None:
        """A submodule the model created during this run (``self.fc = nn.Linear(...)``)."""
        parent = self.stack[-1] if self.stack else None
        if parent is None:
            return None
        name = next((k for k, m in parent.module._modules.items() if m is module), None)
        if name is None:  # a throwaway module, not part of the model
            return None
        parent.leaf = False  # it has a child now: data flows through the child instead
        self.leaves.discard(id(parent.module))
        return self._new_module_node(module, qualified(parent.node.path, name), parent.node.path)

    def _new_module_node(self, module: nn.Module, path: str, parent: str) -> Node:
        node = Node(
            id=f"n{self._next_op}",
            path=path,
            type=type(module).__name__,
            kind="module",
            parent=parent,
            lazy=True,
            family=module_family(module),
        )
        self._next_op += 1
        self.trace.nodes[node.id] = node
        self.nodes[id(module)] = node
        if not any(True for _ in module.children()):
            self.leaves.add(id(module))
        return node

    def _adopt_the_rest(self) -> None:
        """Submodules created during the run that were never called still join the graph."""
        for path, module in self.model.named_modules():
            if id(module) not in self.nodes:
                node = self._new_module_node(module, path, path.rpartition(".")[0])
                for name, param in module._parameters.items():
                    if param is not None:
                        self._materialized(node, module, name, param)

    def _exit(self, module: nn.Module, args: tuple, *rest: Any) -> None:
        if threading.get_ident() != self.thread:
            return
        if id(module) not in self.nodes:
            return
        with _NO_TORCH_FUNCTION():
            self._close(module, args, rest)

    def _close(self, module: nn.Module, args: tuple, rest: tuple) -> None:
        frame = self._pop(module)
        if frame is None:
            return
        self.check_materialized(frame, refresh=False)  # the frame ends here
        if len(rest) == 2:  # a normal return: (kwargs, result)
            self._returned(frame, args, rest[0], rest[1])
        else:  # always_call after an exception: (result,)
            self._raised(frame, args)

    def _pop(self, module: nn.Module) -> Frame | None:
        # Frames above this module's belong to calls whose exception was
        # caught inside the model; they ended without a return.
        for depth in range(len(self.stack) - 1, -1, -1):
            if self.stack[depth].module is module:
                frame = self.stack[depth]
                for ended in reversed(self.stack[depth:]):
                    if ended.quiet:
                        _push_function_mode(self.mode)
                    if ended.private and self.mode.random is not None:
                        self.mode.random.pause()
                del self.stack[depth:]
                return frame
        return None

    def _returned(self, frame: Frame, args: tuple, kwargs: dict, result: Any) -> None:
        node = frame.node
        outputs = _tensors_of(result)
        shapes = [list(t.shape) for t in outputs]
        inputs = None
        if node.calls == 1:
            inputs = _call_tensors(args, kwargs)
            node.input_shapes = _shapes(inputs)
            node.output_shapes = [list(s) for s in shapes]
        if frame.leaf:
            self._link(_call_tensors(args, kwargs) if inputs is None else inputs, node)
            producers = self.producers
            for tensor in outputs:
                producers[tensor] = node.id
            if self.on_output is not None:
                self.on_output(node, outputs)
        events = self.trace.events
        events.append({"seq": len(events), "kind": "exit", "node": node.id, "shapes": shapes})

    def _raised(self, frame: Frame, args: tuple) -> None:
        exc = sys.exc_info()[1]
        if frame.leaf:
            self._link(list(iter_tensors(args)), frame.node)
        if exc is not None and id(exc) not in self.failed:
            self.failed[id(exc)] = frame.node
            frame.node.error = {
                "type": type(exc).__name__,
                "message": str(exc),
                "hint": self._hint(frame.module, frame.node.path, args, exc),
            }

    def _hint(self, module: nn.Module, path: str, args: Any, exc: BaseException) -> str | None:
        """The doctor's sentence for this failure; never a failure of its own."""
        try:
            return hint(
                module,
                path,
                list(iter_tensors(args)),
                exc,
                sized_by_earlier_batch=was_sized(module),
            )
        except Exception:  # a hint is an extra: the error itself is what counts
            return None

    def _remember_sized(self) -> None:
        """Tell the doctor which modules this batch sized: a later batch of another size
        fails on them because of it."""
        sized = {e["node"] for e in self.trace.events if e["kind"] == "materialize"}
        if sized:
            remember_sized(m for m in self.model.modules() if self.nodes[id(m)].id in sized)

    # ----------------------------------------------------------- parameters
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
            self._materialized(node, module, name, param)
        if refresh:
            frame.seen = _param_state(module)

    def _materialized(self, node: Node, module: nn.Module, name: str, param: torch.Tensor) -> None:
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
        node = self.nodes.get(id(module))
        if node is None:
            return
        frame = next((f for f in reversed(self.stack) if f.module is module), None)
        if frame is not None:  # its materialize event comes first
            self.check_materialized(frame)
        extra = {"fill": fill} if fill is not None and fill != label else {}
        self.emit("init", node, param=param, init=label, **extra)

    # ---------------------------------------------------------- operations
    def on_op(
        self, func: Callable, args: tuple, kwargs: dict, result: Any, info: OpInfo | None = None
    ) -> None:
        if info is None:
            info = op_info(func)
        frame = self.stack[-1]
        producers = self.producers
        inputs = [t for t in _call_tensors(args, kwargs) if producers.get(t) is not None]
        if not inputs:
            return
        outputs = _tensors_of(result)
        if info.passes:
            for tensor in outputs:
                producers[tensor] = producers[inputs[0]]
            return
        inplace = info.inplace or kwargs.get("out") is not None
        if not outputs and not inplace:
            return
        node = self._op_node(frame, info.name)
        node.calls += 1
        if node.calls == 1:
            node.input_shapes = _shapes(inputs)
            node.output_shapes = _shapes(outputs)
        events = self.trace.events
        events.append(
            {"seq": len(events), "kind": "enter", "node": node.id, "shapes": _shapes(inputs)}
        )
        self._link(inputs, node)
        if inplace and args and isinstance(args[0], torch.Tensor):
            self.producers[args[0]] = node.id
        for tensor in outputs:
            self.producers[tensor] = node.id
        if self.on_output is not None:
            self.on_output(node, outputs)
        events.append(
            {"seq": len(events), "kind": "exit", "node": node.id, "shapes": _shapes(outputs)}
        )

    def _op_node(self, frame: Frame, name: str) -> Node:
        if frame.op_counts is None:
            frame.op_counts = {}
        count = frame.op_counts.get(name, 0)
        frame.op_counts[name] = count + 1
        path = f"{frame.node.path}/{name}#{count}"
        node = self.ops.get(path)
        if node is None:
            node = Node(
                id=f"n{self._next_op}", path=path, type=name, kind="op", parent=frame.node.path
            )
            self._next_op += 1
            self.trace.nodes[node.id] = node
            self.ops[path] = node
        return node

    # -------------------------------------------------------------- helpers
    def _link(self, inputs: list[torch.Tensor], node: Node) -> None:
        for tensor in inputs:
            src = self.producers.get(tensor)
            if src is not None and src != node.id and (src, node.id) not in self.edge_set:
                self.edge_set.add((src, node.id))
                self.trace.edges.append((src, node.id))

    def emit(self, kind: str, node: Node, **data: Any) -> None:
        event = {"seq": len(self.trace.events), "kind": kind, "node": node.id, **data}
        self.trace.events.append(event)

    # ----------------------------------------------------------- the end
    def finish(self, output: Any) -> None:
        """Add output nodes and any parameter that appeared outside its own module's call."""
        with _NO_TORCH_FUNCTION():
            self._finish(output)

    def _finish(self, output: Any) -> None:
        self._late_materialized()
        self._add_outputs(output)
        self._prune_dead_ops()
        self._remember_sized()

    def _add_outputs(self, output: Any) -> None:
        for i, tensor in enumerate(iter_tensors(output)):
            info, node = output_node(i, tensor)
            self.trace.outputs.append(info)
            self.trace.nodes[node.id] = node
            self._link([tensor], node)

    def fail(self, exc: BaseException) -> None:
        """Close the trace with the failure: the innermost module whose call raised."""
        with _NO_TORCH_FUNCTION():
            self._fail(exc)

    def _fail(self, exc: BaseException) -> None:
        self._late_materialized()
        self._prune_dead_ops()
        self._unreached_chain()
        self._remember_sized()
        root = self.nodes[id(self.model)]
        node = self.failed.get(id(exc), root)
        if node.error is None:
            node.error = {
                "type": type(exc).__name__,
                "message": str(exc),
                "hint": self._hint(self.model, node.path, (), exc),
            }
        hint_text = node.error.get("hint")
        self.trace._error = {
            "node": node.id,
            "path": node.path,
            "type": type(exc).__name__,
            "message": str(exc),
            "hint": hint_text,
        }
        self.emit(
            "error",
            node,
            path=node.path,
            type=type(exc).__name__,
            message=str(exc),
            hint=hint_text,
        )

    def _unreached_chain(self) -> None:
        """After a failure, keep the modules the batch never reached in their known order.

        The data stopped, so no tensor carries an edge past the failing node;
        the chains of ``nn.Sequential`` are known without running and say where
        the data would have gone.
        """
        node_ids = {key: node.id for key, node in self.nodes.items()}
        for src, dst in sequential_edges(self.model, node_ids):
            if self.trace.nodes[dst].calls == 0 and (src, dst) not in self.edge_set:
                self.edge_set.add((src, dst))
                self.trace.edges.append((src, dst))

    def _prune_dead_ops(self) -> None:
        """Drop operations whose result reached no module and no output (``x.sum() > 0`` tests)."""
        trace = self.trace
        if not self.ops:
            return
        pruned = False
        while True:
            sources = {src for src, _ in trace.edges}
            dead = {n.id for n in trace.nodes.values() if n.kind == "op" and n.id not in sources}
            if not dead:
                break
            pruned = True
            for node_id in dead:
                del trace.nodes[node_id]
            trace.edges[:] = [(s, d) for s, d in trace.edges if s not in dead and d not in dead]
            trace.events[:] = [e for e in trace.events if e["node"] not in dead]
        if pruned:  # events are numbered as emitted: only a removal leaves gaps
            for seq, event in enumerate(trace.events):
                event["seq"] = seq

    def _late_materialized(self) -> None:
        """Modules created during the run join the graph; a parameter the record does not
        know yet, set from outside its module's call (a parent assigning ``child.weight``),
        is a ``materialize`` event; tied parameters are named again if any changed."""
        modules = list(self.model.modules())
        nodes = self.nodes
        if any(id(module) not in nodes for module in modules):
            self._adopt_the_rest()
        for module in modules:
            if not module._parameters:
                continue
            node = nodes[id(module)]
            for name, param in module._parameters.items():
                if param is None or is_uninitialized(param):
                    continue
                entry = node.param(name)
                if entry is None or entry.shape is None or entry.shape != list(param.shape):
                    self._materialized(node, module, name, param)
        if _holdings(modules) != self._holdings:
            self._refresh_sharing()

    def _refresh_sharing(self) -> None:
        owners = param_owners(self.model)
        for module in self.model.modules():
            node = self.nodes[id(module)]
            for entry in node.params:
                param = module._parameters.get(entry.name)
                if param is not None:
                    names = owners.get(id(param), [])
                    entry.shared_with = shared_with(qualified(node.path, entry.name), names)


class _OpMode(TorchFunctionMode):
    """Sees every torch function call; reports those between modules to the recorder."""

    def __init__(self, recorder: Recorder) -> None:
        super().__init__()
        # Weakly: a recorder <-> mode cycle would leave the whole private copy and
        # record to the cyclic collector, whose passes cost more than a small trace.
        self.recorder = weakref.proxy(recorder)
        self.stack = recorder.stack  # the same list, never rebound
        self.guard: set[int] = set()
        self.random: PrivateRandom | None = None

    def __torch_function__(
        self, func: Callable, types: Any, args: tuple = (), kwargs: dict | None = None
    ) -> Any:
        kwargs = kwargs or {}
        info = op_info(func)
        if self.guard and (info.inplace or info.embedding or "out" in kwargs):
            self._refuse_shared_writes(func, args, kwargs)
        random = self.random
        if (
            random is not None
            and not random.active
            and not draws_nothing(func, types, args, kwargs)
        ):
            # A call that may draw: its seeded operations get the private generator.
            random.activate()
            try:
                result = func(*args, **kwargs)
            finally:
                random.pause()
        else:
            result = func(*args, **kwargs)
        stack = self.stack
        if not stack or stack[-1].leaf or (type(result) in _NOT_TENSORS and not info.inplace):
            return result
        with _NO_TORCH_FUNCTION():
            self.recorder.on_op(func, args, kwargs, result, info)
        return result

    def _refuse_shared_writes(self, func: Callable, args: tuple, kwargs: dict) -> None:
        with _NO_TORCH_FUNCTION():
            for tensor in written_tensors(func, args, kwargs):
                if _storage_of(tensor) in self.guard:
                    raise SharedWrite(op_info(func).raw)


def _reads_its_weights_only(module: nn.Module) -> bool:
    """torch.nn's own layer classes (not user subclasses, no hook or forward of the user's)
    never write into their parameters, except an embedding's ``max_norm``, which
    renormalizes rows in place."""
    # max_norm is an instance attribute of torch.nn's embeddings
    return runs_torch_code_only(module) and module.__dict__.get("max_norm") is None


def _storage_of(tensor: Any) -> int | None:
    """The storage address of a real tensor; None for meta, lazy and non-tensors."""
    if not isinstance(tensor, torch.Tensor) or tensor.device.type == "meta":
        return None
    if is_uninitialized(tensor):
        return None
    return tensor.untyped_storage().data_ptr()


def _module_nodes(trace: Trace) -> list[Node]:
    return [n for n in trace.nodes.values() if n.kind == "module"]


def _param_state(module: nn.Module) -> dict[str, tuple[int, bool]]:
    return {
        name: (id(p), is_uninitialized(p))
        for name, p in module._parameters.items()
        if p is not None
    }


def _reshaped(entry: Param | None, param: torch.Tensor) -> bool:
    return entry is None or entry.shape != list(param.shape)


def _shapes(tensors: Any) -> list[list[int]]:
    return [list(t.shape) for t in tensors]


def _shapes_of(obj: Any) -> list[list[int]]:
    """Shapes of the tensors in ``obj``; the common single-tensor call without a generator."""
    if type(obj) is tuple and len(obj) == 1 and isinstance(obj[0], torch.Tensor):
        return [list(obj[0].shape)]
    return [list(t.shape) for t in iter_tensors(obj)]


def _tensors_of(obj: Any) -> list[torch.Tensor]:
    if isinstance(obj, torch.Tensor):
        return [obj]
    return list(iter_tensors(obj))


_SCALARS = frozenset({int, float, bool, str, type(None), torch.dtype, torch.device, torch.Size})


def _call_tensors(args: tuple, kwargs: dict | None) -> list[torch.Tensor]:
    """:func:`~lazyviz.torch.flatten.call_tensors` without a generator for flat arguments."""
    out: list[torch.Tensor] = []
    for value in (args, kwargs.values()) if kwargs else (args,):
        for item in value:
            if isinstance(item, torch.Tensor):
                out.append(item)
            elif type(item) not in _SCALARS:  # a container, or something to look into
                out.extend(iter_tensors(item))
    return out


def _holdings(modules: list[nn.Module]) -> list[Any]:
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
