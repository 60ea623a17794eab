"""Watching a Keras model live: each forward the user runs becomes a trace.

The watched model's own calls go through lazyviz's wrapper of
``keras.layers.Layer.__call__`` (see :mod:`lazyviz.keras.recorder`), so a
layer's build, which Keras runs before the torch module call, is seen as it
happens. As for a torch model (:mod:`lazyviz.torch.watch`), a forward whose
inputs have the signature of the last recorded one (shapes, dtypes, devices,
plain flags such as ``training=True``), after a clean record (nothing built,
no error), on a model that has as many layers and variables as then and no
unbuilt layer, is only counted: no per-layer work. Any other forward is
recorded whole. A counted forward that fails is recorded from outside: the
innermost layer of the model on the exception's traceback.
"""

from __future__ import annotations

import warnings
import weakref
from collections.abc import Callable
from typing import Any

from lazyviz.keras import KerasLayer
from lazyviz.keras import recorder as rec
from lazyviz.keras.recorder import KerasRecorder
from lazyviz.keras.structure import KerasLayers, build_keras_structure
from lazyviz.record.graph import Trace
from lazyviz.torch.flatten import Args, Kwargs, labelled_inputs
from lazyviz.torch.repeats import input_signature, is_clean

__all__ = ["KerasWatcher"]


class KerasWatcher:
    """The :class:`lazyviz.torch.watch.Watcher` surface for a Keras model."""

    compiled = False

    def __init__(
        self,
        model: Any,
        on_run: Callable[[Trace], None],
        on_repeat: Callable[[], None] = lambda: None,
    ) -> None:
        self._id = id(model)
        self._model: weakref.ref[KerasLayer] = weakref.ref(model, lambda _: self.detach())
        self._on_run = on_run
        self._on_repeat = on_repeat
        self._attached = True
        self._steady: tuple[Any, ...] | None = None  # inputs of forwards that only count
        self._extent: tuple[int, int] | None = None  # (layers, variables) of the model then
        rec.install()
        rec.watch_root(model, self._handle)

    @property
    def attached(self) -> bool:
        return self._attached

    @property
    def model(self) -> KerasLayer | None:
        """The watched model, or None once it was deleted."""
        return self._model()

    def detach(self) -> None:
        """Remove lazyviz's wrapper from this model. Calling it again does nothing."""
        if not self._attached:
            return
        self._attached = False
        rec.unwatch_root(self._id)
        rec.uninstall()

    def abandon(self) -> None:
        """Nothing is left unfinished between forwards here."""

    def idle(self) -> None:
        """Nothing is left unfinished between forwards here."""

    def _handle(self, layer: Any, args: Args, kwargs: Kwargs) -> Any:
        try:
            key = input_signature(layer, args, kwargs)
            if key is not None and key == self._steady and _extent(layer) == self._extent:
                return self._repeat(layer, args, kwargs)
            self._steady = None
            layers = KerasLayers(layer)
            inputs = labelled_inputs(args, kwargs)
            trace = build_keras_structure(layer, inputs=inputs, with_edges=False, layers=layers)
            recorder = KerasRecorder(layers, trace)
            recorder.add_inputs(inputs)
        except Exception as exc:  # lazyviz's own failure never changes the user's forward
            _warn(exc)
            return rec.original_call(layer, args, kwargs)
        with recorder:
            try:
                output = recorder.call(layer, args, kwargs)
            except Exception as exc:
                self._report(recorder.fail, exc, trace)
                raise
        self._report(recorder.finish, output, trace)
        try:  # the next forwards with this signature only count, unless something is unbuilt
            if is_clean(trace) and all(getattr(la, "built", True) for la in layers):
                self._steady, self._extent = key, _extent(layer)
        except Exception as exc:
            _warn(exc)
        return output

    def _repeat(self, layer: Any, args: Args, kwargs: Kwargs) -> Any:
        """A forward like the last recorded one: run it untouched, count it."""
        try:
            output = rec.original_call(layer, args, kwargs)
        except Exception as exc:
            self._steady = None
            try:
                self._on_run(_failure_outside(layer, exc))
            except Exception as err:
                _warn(err)
            raise
        self._on_repeat()
        return output

    def _report(self, close: Callable[[Any], None], value: Any, trace: Trace) -> None:
        try:
            close(value)
            self._on_run(trace)
        except Exception as exc:
            _warn(exc)


def _extent(model: Any) -> tuple[int, int]:
    """How many layers and variables ``model`` has: a layer added since changes it."""
    return len(list(model._flatten_layers())), len(model.variables)


def _failure_outside(model: Any, exc: BaseException) -> Trace:
    """The record of a counted forward that failed: its structure, closed by the failure on
    the innermost layer of ``model`` whose code is on the exception's traceback."""
    layers = KerasLayers(model)
    trace = build_keras_structure(model, layers=layers)
    recorder = KerasRecorder(layers, trace)
    failing = model
    tb = exc.__traceback__
    while tb is not None:
        owner = tb.tb_frame.f_locals.get("self")
        if owner is not None and id(owner) in layers.ids:
            failing = owner
        tb = tb.tb_next
    recorder.failure = (trace.nodes[layers.ids[id(failing)]], exc)
    recorder.fail(exc)
    return trace


def _warn(exc: Exception) -> None:
    warnings.warn(
        f"lazyviz stopped recording this forward after an internal error: {exc!r}",
        RuntimeWarning,
        stacklevel=4,
    )
