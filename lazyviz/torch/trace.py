"""Recording how a batch flows through a model and how its lazy shapes resolve.

The torch side of :func:`lazyviz.trace` (dispatched in :mod:`lazyviz.adapters`).
The recording uses PyTorch's public hooks only: global module forward
(pre-)hooks with removable handles, and a ``TorchFunctionMode`` for the
functional operations between modules. Unless ``inplace=True``, the batch
runs through a private copy, under a forked RNG, so the user's model and the
global RNG state are left exactly as they were.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping
from typing import Any

import torch
from torch import nn

from lazyviz.record.graph import Node, Trace
from lazyviz.torch.copying import SharedWrite, gc_paused, private_copy, shared_copy
from lazyviz.torch.flatten import Args, Kwargs, labelled_inputs
from lazyviz.torch.recorder import Recorder
from lazyviz.torch.rng import private_random, reset_on_private_generator
from lazyviz.torch.structure import build_structure

__all__ = [
    "Session",
    "Trace",
    "call_eagerly",
    "eager_module",
    "record_init",
]

OutputCallback = Callable[[Node, list[torch.Tensor]], None]


def check_model(model: object) -> None:
    """Raise ``TypeError`` unless ``model`` is something lazyviz can trace."""
    eager_module(model)


def eager_module(model: object) -> tuple[nn.Module, bool]:
    """The eager module to trace, and whether ``model`` was compiled.

    A ``torch.compile`` wrapper (``OptimizedModule``) is traced through its
    original module, and a module compiled in place (``model.compile()``) is
    run through its eager ``_call_impl``: the compiled graph hides the layers.
    """
    if isinstance(model, torch.jit.ScriptModule):
        raise TypeError(
            f"lazyviz cannot trace a torch.jit ScriptModule ({type(model).__name__}): its "
            "layers run as TorchScript, not as Python modules. Pass the eager module you "
            "scripted instead: lazyviz.trace(model, X) rather than "
            "lazyviz.trace(torch.jit.script(model), X)."
        )
    if not isinstance(model, nn.Module):
        raise TypeError(
            f"lazyviz expects a torch.nn.Module as the model, got {type(model).__name__}"
        )
    original = getattr(model, "_orig_mod", None)
    if type(model).__name__ == "OptimizedModule" and isinstance(original, nn.Module):
        return eager_module(original)[0], True
    return model, getattr(model, "_compiled_call_impl", None) is not None


def call_eagerly(module: nn.Module, args: Args, kwargs: Mapping[str, Any]) -> object:
    """``module(*args, **kwargs)``, bypassing an in-place ``model.compile()``."""
    if getattr(module, "_compiled_call_impl", None) is not None:
        return module._call_impl(*args, **kwargs)
    return module(*args, **kwargs)


class Session:
    """A model to run batches through, one trace per batch.

    Without ``inplace`` the session owns a private copy of the model made once;
    later batches run through that same copy, so a second batch sees what the
    first one materialized (as the user's model would after a real forward).
    """

    def __init__(self, model: nn.Module, *, inplace: bool = False) -> None:
        module, self.compiled = eager_module(model)
        self.inplace = inplace
        self.original = module
        self.model = module
        self.guard: set[int] = set()  # storages shared with the user's model
        if not inplace:
            self.model, self.guard, lazy = shared_copy(module)
            if lazy:  # only lazy layers have a first initialization to draw
                reset_on_private_generator(self.model)
        self.history: list[tuple[Args, Kwargs]] = []  # batches run so far, to replay

    def structure(self) -> Trace:
        """The model as it is now, no batch run."""
        result = build_structure(self.model)
        result.compiled = self.compiled
        return result

    def run(
        self,
        args: Args,
        kwargs: Mapping[str, Any] | None = None,
        *,
        on_output: OutputCallback | None = None,
    ) -> Trace:
        """Run one batch and return its trace; a failure in the model is recorded, not raised."""
        named: dict[str, Any] = dict(kwargs or {})
        if not self.inplace:  # so the model cannot write into the user's batch
            args, named = _clone_inputs(args), _clone_inputs(named)
        try:
            result = self._record(args, named, on_output)
        except SharedWrite:
            self._unshare()
            result = self._record(args, named, on_output)
        if self.guard:  # only a shared copy may have to be rebuilt and replayed
            self.history.append((args, named))
        return result

    def _record(self, args: Args, kwargs: Kwargs, on_output: OutputCallback | None) -> Trace:
        inputs = labelled_inputs(args, kwargs)
        with gc_paused():
            result = build_structure(self.model, inputs=inputs, with_edges=False)
        result.compiled = self.compiled
        recorder = Recorder(self.model, result, on_output=on_output)
        recorder.guard = self.guard
        recorder.add_inputs(inputs)
        # The caller's grad mode: a model may call torch.autograd.grad in its forward.
        # The private-random mode starts off: the recorder turns it on where a draw is possible.
        with gc_paused(), self._rng(active=False) as random, recorder.attached():
            recorder.random = random
            try:
                output = call_eagerly(self.model, args, kwargs)
            except Exception as exc:
                recorder.fail(exc)
            else:
                recorder.finish(output)
        return result

    def _unshare(self) -> None:
        """The model writes into its own weights: start again on a full copy, replaying history."""
        self.model = private_copy(self.original)
        reset_on_private_generator(self.model)
        self.guard = set()
        with self._rng(), torch.no_grad():
            for args, kwargs in self.history:
                with contextlib.suppress(Exception):
                    call_eagerly(self.model, args, kwargs)

    def _rng(self, *, active: bool = True) -> contextlib.AbstractContextManager[Any]:
        # A real forward (inplace) draws from the global RNG as the user's own would.
        if self.inplace:
            return contextlib.nullcontext()
        return private_random(active=active)


def _clone_inputs(obj: Any) -> Any:
    """The same structure with every tensor copied, so the model cannot alter the user's batch."""
    if isinstance(obj, torch.Tensor):
        return obj.detach().clone()
    if isinstance(obj, tuple) and hasattr(obj, "_fields"):
        return type(obj)(*(_clone_inputs(v) for v in obj))
    if isinstance(obj, (tuple, list)):
        return type(obj)(_clone_inputs(v) for v in obj)
    if isinstance(obj, Mapping):
        return {k: _clone_inputs(v) for k, v in obj.items()}
    return obj


def record_init(module: nn.Module, param: str, label: str, *, fill: str | None = None) -> None:
    """Tell every active recorder that ``module.<param>`` was just initialized with ``label``.

    Called by :func:`lazyviz.defer_init` so the application shows up as an
    ``init`` event in traces and watched widgets. ``fill`` says what the
    parameter really got when that is not the init itself (``"zeros"`` for a
    bias under a plain init).
    """
    for recorder in Recorder.active():
        recorder.on_init(module, param, label, fill=fill)
