"""Watching a Keras model live: each forward the user runs becomes a trace.

The watched model's own calls go through lazyviz's wrapper of
``keras.layers.Layer.__call__`` (see :mod:`lazyviz.keras.recorder`), so a
layer's build, which Keras runs before the torch module call, is seen as it
happens. Every forward is recorded; the widget counts one that repeats the
last record (same nodes and shapes, nothing built, no error) instead of
adding an entry.
"""

from __future__ import annotations

import warnings
import weakref
from collections.abc import Callable
from typing import Any

from lazyviz.keras import recorder as rec
from lazyviz.keras.recorder import KerasRecorder
from lazyviz.keras.structure import KerasLayers, build_keras_structure
from lazyviz.record.graph import Trace
from lazyviz.torch.flatten import labelled_inputs

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
        self._model = weakref.ref(model, lambda _: self.detach())
        self._on_run = on_run
        self._on_repeat = on_repeat
        self._attached = True
        rec.install()
        rec.watch_root(model, self._handle)

    @property
    def attached(self) -> bool:
        return self._attached

    @property
    def model(self) -> Any:
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

    def _handle(self, layer: Any, args: tuple, kwargs: dict) -> Any:
        try:
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
        return output

    def _report(self, close: Callable[[Any], None], value: Any, trace: Trace) -> None:
        try:
            close(value)
            self._on_run(trace)
        except Exception as exc:
            _warn(exc)


def _warn(exc: Exception) -> None:
    warnings.warn(
        f"lazyviz stopped recording this forward after an internal error: {exc!r}",
        RuntimeWarning,
        stacklevel=4,
    )
