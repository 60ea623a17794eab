"""Which framework adapter handles a model: PyTorch (:mod:`lazyviz.torch`) or Keras 3
(:mod:`lazyviz.keras`, torch backend). Both produce the same record
(``lazyviz.trace/1``) and offer the same surfaces (:class:`Tracer`): a session
that records structure and runs, and a watcher that follows a model live.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from torch import nn

from lazyviz.keras import KerasLayer, is_keras_model
from lazyviz.record.graph import Trace
from lazyviz.torch.copying import gc_paused
from lazyviz.torch.flatten import Args, Kwargs
from lazyviz.torch.structure import build_structure
from lazyviz.torch.trace import Session, eager_module
from lazyviz.torch.watch import Watcher

__all__ = [
    "Model",
    "Tracer",
    "WatcherLike",
    "find_module",
    "make_session",
    "make_watcher",
    "trace",
]

Model = nn.Module | KerasLayer
"""A model of either framework, or one of its modules (layers)."""


class Tracer(Protocol):
    """What a framework adapter's session offers the widgets: structure and runs of one model.

    ``model`` is the copy batches run through (the user's own with ``inplace``).
    """

    @property
    def model(self) -> Model: ...

    def structure(self) -> Trace: ...

    def run(self, args: Args, kwargs: Kwargs) -> Trace: ...


class WatcherLike(Protocol):
    """What a framework adapter's live watcher offers: hooks on the user's model, removable.

    It calls back ``on_run(trace)`` for a forward it recorded and ``on_repeat()``
    for one that repeated the last; ``idle()`` after each notebook cell drops a
    forward a Ctrl-C left unfinished.
    """

    @property
    def attached(self) -> bool: ...

    @property
    def model(self) -> Model | None:
        """The watched model, or None once it was deleted."""

    def idle(self) -> None: ...

    def detach(self) -> None: ...


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
        ``model`` is not a Module, or is a ``torch.jit`` ScriptModule.
    """
    if is_keras_model(model):  # Keras 3 (torch backend): its own adapter, the same record
        return _keras_trace(model, args, kwargs, inplace=inplace)
    module, compiled = eager_module(model)
    with gc_paused():  # a collection pass over a big model's objects costs more than the trace
        if not args and not kwargs:
            result = build_structure(module)
            result.compiled = compiled
            return result
        return Session(model, inplace=inplace).run(args, kwargs)


def _keras_trace(model: Any, args: Args, kwargs: Kwargs, *, inplace: bool) -> Trace:
    from lazyviz.keras.session import trace_keras

    return trace_keras(model, args, kwargs, inplace=inplace)


def make_session(model: nn.Module, *, inplace: bool = False) -> Tracer:
    """A :class:`Session`, or for a Keras model a ``KerasSession`` with the same surface."""
    if is_keras_model(model):
        from lazyviz.keras.session import KerasSession

        return KerasSession(model, inplace=inplace)
    return Session(model, inplace=inplace)


def make_watcher(
    model: nn.Module, on_run: Callable[[Trace], None], on_repeat: Callable[[], None]
) -> WatcherLike:
    """A :class:`Watcher`, or for a Keras model a ``KerasWatcher`` with the same surface."""
    if is_keras_model(model):
        from lazyviz.keras.watch import KerasWatcher

        return KerasWatcher(model, on_run, on_repeat)
    return Watcher(model, on_run, on_repeat)


def find_module(model: Any, path: str) -> tuple[Model, Model | None] | None:
    """The module at a node's ``path`` in ``model`` and its parent (None for the root), or
    None if it is not there: ``get_submodule`` for torch (``"layer1.0"``), the layer
    name path for Keras (``"block/dense_1"``)."""
    if is_keras_model(model):
        from lazyviz.keras.structure import layer_at

        return layer_at(model, path)
    try:
        module = model.get_submodule(path)
        parent = model.get_submodule(path.rpartition(".")[0]) if path else None
    except AttributeError:
        return None
    return module, parent
