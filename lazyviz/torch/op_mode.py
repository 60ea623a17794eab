"""The op mode: functional operations between modules become op nodes of the record.

A ``TorchFunctionMode`` sees every torch function call of the recording
thread. A call made directly in a container's ``forward`` (``x + y``,
``torch.cat``, ``x.flatten(1)``) gets a node, named by :mod:`lazyviz.torch.ops`,
and edges from the producers of its tensors; a call inside a leaf module is
that module's own implementation and records nothing. The mode also refuses
in-place writes into storage the private copy shares with the user's model,
and turns the private-random mode on around calls that may draw.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch
from torch import nn
from torch.overrides import TorchFunctionMode

from lazyviz.record.graph import Node
from lazyviz.torch.copying import SharedWrite
from lazyviz.torch.flatten import Args, Kwargs, call_tensors, shapes, tensors_of
from lazyviz.torch.ops import OpInfo, op_info, written_tensors
from lazyviz.torch.recording import Frame, Recording
from lazyviz.torch.rng import PrivateRandom, draws_nothing, runs_torch_code_only
from lazyviz.torch.shapes import is_uninitialized

# Inside lazyviz's own hooks no torch function reaches any TorchFunctionMode: reading
# a shape there would otherwise be one more Python call into the op mode.
no_torch_function = torch._C.DisableTorchFunction
_push_function_mode = torch._C._push_on_torch_function_stack
_pop_function_mode = torch._C._pop_torch_function_stack
_function_modes = torch._C._len_torch_function_stack
_function_mode_at = torch._C._get_function_stack_at

# Results that carry no tensor: an operation returning one of these records nothing.
_NOT_TENSORS = frozenset({torch.Size, int, float, bool, str, torch.dtype, torch.device})


class OpMode(TorchFunctionMode):
    """Sees every torch function call; records those between modules into ``recording``.

    The recording holds no reference back to the mode, so a finished run and
    its private copy are freed by reference counting, not by the cyclic collector.
    """

    def __init__(self, recording: Recording) -> None:
        super().__init__()
        self.recording = recording
        self.stack = recording.stack  # the same list, never rebound
        self.guard: set[int] = set()  # storages shared with the user's model: never write
        self.random: PrivateRandom | None = None

    # ------------------------------------------------------- on torch's stack
    def turn_on(self) -> None:
        """Go on top of this thread's torch function stack."""
        _push_function_mode(self)

    def turn_off(self) -> None:
        """Leave the top of this thread's torch function stack (the caller knows it is there)."""
        _pop_function_mode()

    def on_top(self) -> bool:
        depth = _function_modes()
        return depth > 0 and _function_mode_at(depth - 1) is self

    def leave(self) -> None:
        """Pop the mode if it is on top; a forward interrupted inside a quiet leaf
        (KeyboardInterrupt skips torch's exit hooks) has popped it already."""
        if self.on_top():
            _pop_function_mode()

    # --------------------------------------------------------------- calls
    def __torch_function__(
        self, func: Callable[..., Any], types: Any, args: Args = (), kwargs: Kwargs | None = None
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
        with no_torch_function():
            self.record(args, kwargs, result, info)
        return result

    def _refuse_shared_writes(self, func: Callable[..., Any], args: Args, kwargs: Kwargs) -> None:
        with no_torch_function():
            for tensor in written_tensors(func, args, kwargs):
                if storage_of(tensor) in self.guard:
                    raise SharedWrite(op_info(func).raw)

    # ------------------------------------------------------------ recording
    def record(self, args: Args, kwargs: Kwargs, result: Any, info: OpInfo) -> None:
        """One operation made directly in the innermost module call in progress."""
        recording = self.recording
        producers = recording.producers
        inputs = [t for t in call_tensors(args, kwargs) if producers.get(t) is not None]
        if not inputs:
            return
        outputs = tensors_of(result)
        if info.passes:  # the same values moved or re-typed: they keep their producer
            for tensor in outputs:
                producers[tensor] = producers[inputs[0]]
            return
        inplace = info.inplace or kwargs.get("out") is not None
        if not outputs and not inplace:
            return
        node = self._op_node(self.stack[-1], info.name)
        node.calls += 1
        if node.calls == 1:
            node.input_shapes = shapes(inputs)
            node.output_shapes = shapes(outputs)
        events = recording.trace.events  # appended inline, as emit() would: one call less per op
        events.append(
            {"seq": len(events), "kind": "enter", "node": node.id, "shapes": shapes(inputs)}
        )
        recording.link(inputs, node)
        if inplace and args and isinstance(args[0], torch.Tensor):
            producers[args[0]] = node.id
        for tensor in outputs:
            producers[tensor] = node.id
        if recording.on_output is not None:
            recording.on_output(node, outputs)
        events.append(
            {"seq": len(events), "kind": "exit", "node": node.id, "shapes": shapes(outputs)}
        )

    def _op_node(self, frame: Frame, name: str) -> Node:
        """The node of the frame's ``count``-th call of ``name``: the same one on every call
        of the module, so a loop over a module's calls adds to ``calls``, not to the graph."""
        if frame.op_counts is None:
            frame.op_counts = {}
        count = frame.op_counts.get(name, 0)
        frame.op_counts[name] = count + 1
        path = f"{frame.node.path}/{name}#{count}"
        recording = self.recording
        node = recording.ops.get(path)
        if node is None:
            node_id = recording.new_node_id()
            node = Node(id=node_id, path=path, type=name, kind="op", parent=frame.node.path)
            recording.trace.nodes[node.id] = node
            recording.ops[path] = node
        return node


def reads_its_weights_only(module: nn.Module) -> bool:
    """torch.nn's own layer classes (not user subclasses, no hook or forward of the user's)
    never write into their parameters, except an embedding's ``max_norm``, which
    renormalizes rows in place."""
    # max_norm is an instance attribute of torch.nn's embeddings
    return runs_torch_code_only(module) and module.__dict__.get("max_norm") is None


def storage_of(tensor: Any) -> int | None:
    """The storage address of a real tensor; None for meta, lazy and non-tensors."""
    if not isinstance(tensor, torch.Tensor) or tensor.device.type == "meta":
        return None
    if is_uninitialized(tensor):
        return None
    return tensor.untyped_storage().data_ptr()
