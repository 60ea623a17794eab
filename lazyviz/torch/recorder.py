"""One forward pass of a model recorded into trace events, nodes and edges.

A :class:`Recorder` puts three pieces together: the module hooks
(:mod:`lazyviz.torch.hooks`) see each module call, the op mode
(:mod:`lazyviz.torch.op_mode`) the functional operations between modules,
and the end of the run (:mod:`lazyviz.torch.end_of_run`) turns what they saw
into the finished record. All three write through one
:class:`~lazyviz.torch.recording.Recording`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any, ClassVar

import torch
from torch import nn

from lazyviz.record.graph import Trace
from lazyviz.torch import end_of_run
from lazyviz.torch.flatten import Args
from lazyviz.torch.hooks import ModuleHooks
from lazyviz.torch.op_mode import OpMode
from lazyviz.torch.recording import OutputCallback, Recording
from lazyviz.torch.rng import PrivateRandom


class Recorder:
    """Records calls of one model's modules into a :class:`Trace`.

    ``trace`` is the model's structure (:func:`~lazyviz.torch.structure.build_structure`);
    ``on_output(node, tensors)`` is called with what each leaf module or
    operation returned.
    """

    _active: ClassVar[list[Recorder]] = []

    def __init__(
        self, model: nn.Module, trace: Trace, *, on_output: OutputCallback | None = None
    ) -> None:
        self.recording = Recording(model, trace, on_output)
        self.mode = OpMode(self.recording)
        self.hooks = ModuleHooks(self.recording, self.mode)

    @property
    def model(self) -> nn.Module:
        return self.recording.model

    @property
    def trace(self) -> Trace:
        return self.recording.trace

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
        """The recorders started and not stopped yet, oldest first."""
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
        self.hooks.add()
        Recorder._active.append(self)
        self.mode.turn_on()

    def stop(self) -> None:
        """Remove every hook and the op mode. Harmless to repeat."""
        self.stop_hooks()
        self.mode.leave()

    def stop_hooks(self) -> None:
        """Remove the hooks only: the op mode is on the recording thread's stack, not ours."""
        self.hooks.remove()
        if self in Recorder._active:
            Recorder._active.remove(self)

    def enter_root(self, args: Args) -> None:
        """The root's own call began: its global pre-hooks ran before :meth:`start`."""
        self.hooks.enter(self.model, args)

    def add_inputs(self, inputs: list[tuple[str, torch.Tensor]]) -> None:
        """The model's inputs, as :func:`~lazyviz.torch.flatten.labelled_inputs` lists them."""
        self.recording.add_inputs(inputs)

    def on_init(self, module: nn.Module, param: str, label: str, fill: str | None = None) -> None:
        """An ``init`` event: ``module.<param>`` was just initialized with ``label``."""
        self.recording.on_init(module, param, label, fill)

    # ---------------------------------------------------------------- the end
    def finish(self, output: Any) -> None:
        """Add output nodes and any parameter that appeared outside its own module's call."""
        end_of_run.finish(self.recording, output)

    def fail(self, exc: BaseException) -> None:
        """Close the trace with the failure: the innermost module whose call raised."""
        end_of_run.fail(self.recording, exc)

    def fail_at(self, module: nn.Module, exc: BaseException) -> None:
        """Close the trace with a failure known to have happened in ``module``."""
        end_of_run.fail_at(self.recording, module, exc)

    def seen_from_outside(self, output: Any, exc: BaseException | None) -> None:
        """Close a forward seen only from outside (a compiled graph hides the layers)."""
        end_of_run.seen_from_outside(self.recording, output, exc)
