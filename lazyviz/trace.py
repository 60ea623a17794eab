"""Recording how a batch flows through a model and how its lazy shapes resolve.

Public entry point: :func:`trace`. The recording uses PyTorch's public hooks
only: global module forward (pre-)hooks with removable handles, and a
``TorchFunctionMode`` for the functional operations between modules. Unless
``inplace=True``, the batch runs through a private copy, under a forked RNG,
so the user's model and the global RNG state are left exactly as they were.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import torch
from torch import nn

from lazyviz.copying import SharedWrite, gc_paused, private_copy, shared_storages
from lazyviz.flatten import labelled_inputs
from lazyviz.graph import Node, Trace
from lazyviz.recorder import Recorder
from lazyviz.structure import build_structure

__all__ = ["Session", "Trace", "record_init", "trace"]

OutputCallback = Callable[[Node, list[torch.Tensor]], None]


def trace(model: nn.Module, *args: Any, inplace: bool = False, **kwargs: Any) -> Trace:
    """Record a model's structure and, given inputs, one batch through it.

    Parameters
    ----------
    model : torch.nn.Module
        The model. Without ``inplace=True`` it is not changed in any way.
    *args, **kwargs : Tensor or tuple/list/dict of tensors
        The batch. With none, only the structure is recorded: lazy shapes stay
        unknown (``None``).
    inplace : bool
        Run the batch through ``model`` itself, materializing its lazy
        parameters exactly as a plain forward would.

    Returns
    -------
    Trace
        Never raises for a failure inside the model's forward: the Trace keeps
        every event up to the failure and ``Trace.error`` names it.

    Raises
    ------
    TypeError
        ``model`` is not a Module, or an input is not a tensor or a container of tensors.
    """
    check_model(model)
    if not args and not kwargs:
        return build_structure(model)
    labelled_inputs(args, kwargs)  # validate before copying anything
    return Session(model, inplace=inplace).run(args, kwargs)


def check_model(model: object) -> None:
    if not isinstance(model, nn.Module):
        raise TypeError(
            f"lazyviz expects a torch.nn.Module as the model, got {type(model).__name__}"
        )


class Session:
    """A model to run batches through, one trace per batch.

    Without ``inplace`` the session owns a private copy of the model made once;
    later batches run through that same copy, so a second batch sees what the
    first one materialized (as the user's model would after a real forward).
    """

    def __init__(self, model: nn.Module, *, inplace: bool = False) -> None:
        check_model(model)
        self.inplace = inplace
        self.original = model
        self.model = model if inplace else private_copy(model, share=True)
        self.guard = set() if inplace else shared_storages(self.model, model)
        self.history: list[tuple[tuple, dict]] = []  # batches run so far, to replay

    def structure(self) -> Trace:
        """The model as it is now, no batch run."""
        return build_structure(self.model)

    def run(
        self,
        args: tuple,
        kwargs: Mapping[str, Any] | None = None,
        *,
        on_output: OutputCallback | None = None,
    ) -> Trace:
        """Run one batch and return its trace; a failure in the model is recorded, not raised."""
        named: dict[str, Any] = dict(kwargs or {})
        labelled_inputs(args, named)
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

    def _record(self, args: tuple, kwargs: dict, on_output: OutputCallback | None) -> Trace:
        inputs = labelled_inputs(args, kwargs)
        result = build_structure(self.model, inputs=inputs, with_edges=False)
        recorder = Recorder(self.model, result, on_output=on_output)
        recorder.guard = self.guard
        recorder.add_inputs(inputs)
        with gc_paused(), self._rng(), torch.no_grad(), recorder.attached():
            try:
                output = self.model(*args, **kwargs)
            except Exception as exc:
                recorder.fail(exc)
            else:
                recorder.finish(output)
        return result

    def _unshare(self) -> None:
        """The model writes into its own weights: start again on a full copy, replaying history."""
        self.model = private_copy(self.original)
        self.guard = set()
        with self._rng(), torch.no_grad():
            for args, kwargs in self.history:
                with contextlib.suppress(Exception):
                    self.model(*args, **kwargs)

    def _rng(self) -> contextlib.AbstractContextManager:
        if self.inplace:
            return contextlib.nullcontext()
        return _forked_rng()


@contextlib.contextmanager
def _forked_rng() -> Iterator[None]:
    devices = list(range(torch.cuda.device_count())) if torch.cuda.is_initialized() else []
    with torch.random.fork_rng(devices=devices):
        yield


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
