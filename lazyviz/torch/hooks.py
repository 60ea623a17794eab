"""The module hooks: each module call of the recording thread enters and leaves its node.

PyTorch's global module forward (pre-)hooks, with removable handles: the
pre-hook opens a frame and an ``enter`` event, the always-call post-hook
closes it with an ``exit`` event after a return, or marks the node that an
exception left. Data-flow edges follow tensors: a leaf module gets an edge
from the producer of each tensor it receives and becomes the producer of
what it returns. Inside a leaf the op mode is taken off torch's stack: its
operations are the layer's own implementation.
"""

from __future__ import annotations

import sys
import threading
from typing import Any

from torch import nn
from torch.nn.modules import module as module_hooks

from lazyviz.record.graph import Node
from lazyviz.record.names import qualname
from lazyviz.torch.doctor import error_entry
from lazyviz.torch.flatten import (
    Args,
    Kwargs,
    call_tensors,
    iter_tensors,
    shapes,
    shapes_of,
    tensors_of,
)
from lazyviz.torch.op_mode import OpMode, no_torch_function, reads_its_weights_only, storage_of
from lazyviz.torch.recording import Frame, Recording, param_state
from lazyviz.torch.rng import draws_privately


class ModuleHooks:
    """The pre- and post-hook of every module call, writing into ``recording``."""

    def __init__(self, recording: Recording, mode: OpMode) -> None:
        self.recording = recording
        self.mode = mode
        # The recording's own containers, never rebound: fewer attribute reads per call.
        self.nodes = recording.nodes
        self.leaves = recording.leaves
        self.stack = recording.stack
        self.events = recording.trace.events
        self.thread = threading.get_ident()
        self._handles: list[Any] = []

    def add(self) -> None:
        """Hook every module call of this thread (other threads' calls are ignored)."""
        self.thread = threading.get_ident()
        self._handles = [
            module_hooks.register_module_forward_pre_hook(self.enter),
            module_hooks.register_module_forward_hook(
                self.exit, with_kwargs=True, always_call=True
            ),
        ]

    def remove(self) -> None:
        """Remove both hooks. Harmless to repeat."""
        for handle in self._handles:
            handle.remove()
            # torch's handle forgets this flag; a leftover makes every later torch.compile warn
            module_hooks._global_forward_hooks_with_kwargs.pop(handle.id, None)
        self._handles = []

    # ------------------------------------------------------------- entering
    def enter(self, module: nn.Module, args: Args) -> None:
        """The pre-hook: ``module`` is called with ``args``."""
        if threading.get_ident() != self.thread:  # another thread's model, or this one's twin
            return
        node = self.nodes.get(id(module))
        with no_torch_function():
            if node is None:
                node = self._adopt(module)
                if node is not None:
                    self._open(node, module, args, True)
            else:
                self._open(node, module, args, False)

    def _open(self, node: Node, module: nn.Module, args: Args, fresh: bool) -> None:
        # a new module's parameters are all new
        seen = param_state(module) if module._parameters and not fresh else {}
        leaf = id(module) in self.leaves
        frame = Frame(node, module, leaf, seen)
        self.stack.append(frame)
        node.calls += 1
        in_shapes = shapes_of(args)
        if node.calls == 1:
            node.input_shapes = in_shapes
        events = self.events
        events.append({"seq": len(events), "kind": "enter", "node": node.id, "shapes": in_shapes})
        if leaf:
            if self._can_go_quiet(module):
                # Inside a leaf the ops are the module's own implementation: nothing to
                # record, and seeing each one costs more than the op (lazy init runs dozens).
                self.mode.turn_off()
                frame.quiet = True
            # Unseen by the op mode, the layer's own code runs under the private
            # generator unless it is known to draw nothing.
            random = self.mode.random
            if random is not None and not random.active and draws_privately(module):
                frame.private = random.activate()

    def _can_go_quiet(self, module: nn.Module) -> bool:
        mode = self.mode
        if not mode.on_top():
            return False
        # A leaf holding weights shared with the user's model stays watched for
        # writes, unless it is one of torch.nn's own layers, which only read them.
        return (
            not mode.guard
            or reads_its_weights_only(module)
            or all(storage_of(p) not in mode.guard for p in module._parameters.values())
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
        path = qualname(parent.node.path, name)
        return self.recording.new_module_node(module, path, parent.node.path)

    # -------------------------------------------------------------- leaving
    def exit(self, module: nn.Module, args: Args, *rest: Any) -> None:
        """The always-call post-hook: ``(kwargs, result)`` after a return, ``(result,)``
        while an exception propagates."""
        if threading.get_ident() != self.thread:
            return
        if id(module) not in self.nodes:
            return
        with no_torch_function():
            frame = self._pop(module)
            if frame is None:
                return
            self.recording.check_materialized(frame, refresh=False)  # the frame ends here
            if len(rest) == 2:
                self._returned(frame, args, rest[0], rest[1])
            else:
                self._raised(frame, args)

    def _pop(self, module: nn.Module) -> Frame | None:
        # Frames above this module's belong to calls whose exception was
        # caught inside the model; they ended without a return.
        stack = self.stack
        for depth in range(len(stack) - 1, -1, -1):
            if stack[depth].module is module:
                frame = stack[depth]
                for ended in reversed(stack[depth:]):
                    if ended.quiet:
                        self.mode.turn_on()
                    if ended.private and self.mode.random is not None:
                        self.mode.random.pause()
                del stack[depth:]
                return frame
        return None

    def _returned(self, frame: Frame, args: Args, kwargs: Kwargs, result: Any) -> None:
        recording = self.recording
        node = frame.node
        outputs = tensors_of(result)
        out_shapes = shapes(outputs)
        inputs = None
        if node.calls == 1:
            inputs = call_tensors(args, kwargs)
            node.input_shapes = shapes(inputs)
            node.output_shapes = [list(s) for s in out_shapes]
        if frame.leaf:
            recording.link(call_tensors(args, kwargs) if inputs is None else inputs, node)
            producers = recording.producers
            for tensor in outputs:
                producers[tensor] = node.id
            if recording.on_output is not None:
                recording.on_output(node, outputs)
        events = self.events
        events.append({"seq": len(events), "kind": "exit", "node": node.id, "shapes": out_shapes})

    def _raised(self, frame: Frame, args: Args) -> None:
        exc = sys.exc_info()[1]
        tensors = list(iter_tensors(args))
        if frame.leaf:
            self.recording.link(tensors, frame.node)
        if exc is not None and id(exc) not in self.recording.failed:
            self.recording.failed[id(exc)] = frame.node
            frame.node.error = error_entry(frame.module, frame.node.path, tensors, exc)
