"""Live watching: the forwards the user runs on their own model become traces.

``lazyviz.watch(model)`` puts hooks on the model's root module only, so other
models never pay. A forward whose inputs (shapes, dtypes, devices, training
flag) equal those of the last recorded forward, on a model that neither
grew a module nor still has a lazy parameter, is only counted: no per-module
work. Any other forward is recorded whole: for its duration a
:class:`~lazyviz.torch.recorder.Recorder` listens to every module call of this
thread. The hooks return nothing and never raise: the user's forward runs
exactly as without lazyviz, and an internal failure of lazyviz ends that
recording with a warning instead.

A compiled model (``torch.compile``) keeps its compiled graph: lazyviz sees
it from outside (inputs, outputs, which parameters materialized), never
through per-layer hooks that would break the graph, and says so once.
"""

from __future__ import annotations

import sys
import threading
import types
import warnings
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import torch
from torch import nn
from torch.nn.modules import module as module_hooks

from lazyviz.record.graph import Trace
from lazyviz.torch.flatten import Args, Kwargs, labelled_inputs
from lazyviz.torch.recorder import Recorder
from lazyviz.torch.repeats import input_signature, is_clean
from lazyviz.torch.shapes import is_uninitialized
from lazyviz.torch.structure import build_structure
from lazyviz.torch.trace import eager_module

__all__ = ["COMPILED_NOTE", "Watcher"]

COMPILED_NOTE = (
    "This model is compiled (torch.compile): lazyviz sees it from outside the compiled "
    "graph, so it shows the inputs, the outputs and which parameters materialized, not "
    "each layer's call. Watch the eager module (model._orig_mod) for the layer-by-layer view."
)


@dataclass
class _RootCall:
    """One forward of the watched model in progress."""

    thread: int
    frame: types.FrameType | None  # torch's call frame of the root, to tell a nested call
    recorder: Recorder | None  # None: a repeated forward, only counted
    key: tuple[Any, ...] | None = None  # the forward's input signature
    depth: int = 0  # the root calling itself inside its own forward


class Watcher:
    """Records the forwards of ``model``: ``on_run(trace)`` for a new one, ``on_repeat()`` else.

    Parameters
    ----------
    model : torch.nn.Module
        Held weakly: deleting the model frees it and ends the watching. A
        ``torch.compile`` wrapper is watched from outside its compiled graph.
    on_run : callable
        Called with the :class:`~lazyviz.record.graph.Trace` of each recorded forward,
        failed ones included.
    on_repeat : callable
        Called after a forward that repeated the last recorded one.
    """

    def __init__(
        self,
        model: nn.Module,
        on_run: Callable[[Trace], None],
        on_repeat: Callable[[], None] = lambda: None,
    ) -> None:
        module, self.compiled = eager_module(model)
        self._model = weakref.ref(module, lambda _: self.detach())
        self._on_run = on_run
        self._on_repeat = on_repeat
        self._call: _RootCall | None = None
        self._steady: tuple[Any, ...] | None = None  # inputs of forwards that only count
        self._members: set[int] = set()  # ids of the model's modules, for registrations
        # Hooks go on the object the user calls; for a compiled model that is the
        # wrapper (outside the graph) or, for model.compile(), hooks dynamo must skip.
        target = model
        pre, post = self._pre, self._post
        if self.compiled:
            pre, post = torch.compiler.disable(pre), torch.compiler.disable(post)
        self._handles = [
            target.register_forward_pre_hook(pre, with_kwargs=True, prepend=True),
            target.register_forward_hook(post, always_call=True),
            module_hooks.register_module_module_registration_hook(self._registered),
            module_hooks.register_module_parameter_registration_hook(self._registered),
        ]

    @property
    def attached(self) -> bool:
        """True until :meth:`detach` (or the model was deleted)."""
        return bool(self._handles)

    @property
    def model(self) -> nn.Module | None:
        """The watched (eager) model, or None once it was deleted."""
        return self._model()

    def detach(self) -> None:
        """Remove every hook lazyviz added. Calling it again does nothing."""
        self.abandon()
        for handle in self._handles:
            handle.remove()
        self._handles = []

    def abandon(self) -> None:
        """Drop a forward that will never return (interrupted); the next one records anew.

        Only the thread that runs it can take its op mode off torch's stack.
        """
        call, self._call = self._call, None
        if call is not None and call.recorder is not None:
            if call.thread == threading.get_ident():
                call.recorder.stop()
            else:
                call.recorder.stop_hooks()
        self._steady = None

    def idle(self) -> None:
        """This thread runs no forward now (a notebook cell ended): drop one left unfinished."""
        call = self._call
        if call is not None and call.thread == threading.get_ident():
            self.abandon()

    # -------------------------------------------------------------- hooks
    # Both hooks run on every forward of the watched model: the repeated case
    # (one plain tensor, same signature) is handled first, in a few attribute reads.
    def _pre(self, module: nn.Module, args: Args, kwargs: Kwargs) -> None:
        call = self._call
        if call is None:
            steady = self._steady
            if steady is not None and len(args) == 1 and not kwargs:
                x = args[0]
                if type(x) is torch.Tensor and steady == (
                    module.training,
                    x.shape,
                    x.dtype,
                    x.device,
                ):
                    self._call = _RootCall(threading.get_ident(), sys._getframe(2), None)
                    return
        elif call.thread != threading.get_ident():
            return  # another thread's concurrent forward: not recorded
        elif _running(call.frame):
            call.depth += 1  # the root calls itself: part of the same forward
            return
        else:
            self.abandon()  # left by an interrupt (KeyboardInterrupt skips torch's exit hooks)
        self._guarded(self._begin, args, kwargs)

    def _post(self, module: nn.Module, args: Args, result: Any) -> None:
        # An always-call hook: torch calls it after a normal return and after an
        # exception (then with result None, while the exception is being handled).
        call = self._call
        if call is None or call.thread != threading.get_ident():
            return
        if call.depth:
            call.depth -= 1
            return
        self._call = None
        exc = sys.exc_info()[1] if result is None else None
        if call.recorder is None and exc is None:
            self._on_repeat()
            return
        self._guarded(self._end, call, result, exc)

    def _registered(self, module: nn.Module, name: str, value: Any) -> None:
        # A module or parameter added to the watched model: the next forward is recorded.
        if id(module) in self._members:
            self._steady = None

    # ----------------------------------------------------------- recording
    def _begin(self, args: Args, kwargs: Kwargs) -> None:
        root = self._model()
        if root is None:
            return
        key = input_signature(root, args, kwargs)
        frame = sys._getframe(3)  # _guarded <- _pre <- torch's inner <- _call_impl
        thread = threading.get_ident()
        if key is not None and key == self._steady:  # repeated, with several inputs
            self._call = _RootCall(thread, frame, None, key)
            return
        self._steady = None
        inputs = labelled_inputs(args, kwargs)
        # Seen from outside, a compiled forward has no data-flow: keep the known chains.
        trace = build_structure(root, inputs=inputs, with_edges=self.compiled)
        trace.compiled = self.compiled
        recorder = Recorder(root, trace)
        recorder.add_inputs(inputs)
        call = _RootCall(thread, frame, recorder, key)
        if not self.compiled:
            recorder.start()
            recorder.enter_root(args)
        self._call = call

    def _end(self, call: _RootCall, output: Any, exc: BaseException | None) -> None:
        recorder = call.recorder
        if recorder is None:  # a repeated forward that failed: where, from the traceback
            self._steady = None
            if exc is not None:
                self._on_run(self._failure_outside(exc))
            return
        root = recorder.model
        if self.compiled:
            recorder.seen_from_outside(output, exc)
        else:
            recorder.stop()
            if exc is not None:
                recorder.fail(exc)
            else:
                recorder.finish(output)
        trace = recorder.trace
        self._members = {id(m) for m in root.modules()}
        if is_clean(trace) and not _still_lazy(root):
            self._steady = call.key
        self._on_run(trace)

    def _failure_outside(self, exc: BaseException) -> Trace:
        root = self._model()
        assert root is not None
        trace = build_structure(root, with_edges=True)
        trace.compiled = self.compiled
        recorder = Recorder(root, trace)
        recorder.fail_at(_failing_module(root, exc), exc)
        return trace

    def _guarded(self, step: Callable[..., None], *args: Any) -> None:
        """Run a bookkeeping step; if lazyviz itself fails, stop recording, never the model."""
        try:
            step(*args)
        except Exception as exc:  # lazyviz's own bug must not change the user's forward
            self.abandon()
            warnings.warn(
                f"lazyviz stopped recording this forward after an internal error: {exc!r}",
                RuntimeWarning,
                stacklevel=3,
            )


def _running(frame: types.FrameType | None) -> bool:
    """The frame is on this thread's stack: the call it belongs to has not ended."""
    if frame is None:
        return False
    current: types.FrameType | None = sys._getframe(2)
    while current is not None:
        if current is frame:
            return True
        current = current.f_back
    return False


def _still_lazy(root: nn.Module) -> bool:
    return any(is_uninitialized(p) for p in root.parameters())


def _failing_module(root: nn.Module, exc: BaseException) -> nn.Module:
    """The innermost module of ``root`` whose forward is on the exception's traceback."""
    members = {id(m): m for m in root.modules()}
    found = root
    tb = exc.__traceback__
    while tb is not None:
        owner = tb.tb_frame.f_locals.get("self")
        if isinstance(owner, nn.Module) and id(owner) in members:
            found = owner
        tb = tb.tb_next
    return found
