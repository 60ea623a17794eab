"""Tracing a Keras model: a private copy, or the model itself, one trace per batch."""

from __future__ import annotations

import contextlib
import random
from collections.abc import Iterator, Mapping
from typing import Any

import torch

from lazyviz.keras import KerasLayer
from lazyviz.keras.recorder import KerasRecorder
from lazyviz.keras.structure import KerasLayers, build_keras_structure
from lazyviz.record.graph import Trace
from lazyviz.torch.flatten import Args, Kwargs, labelled_inputs

__all__ = ["KerasSession", "private_keras_copy", "trace_keras"]


def trace_keras(model: Any, args: Args, kwargs: Mapping[str, Any], *, inplace: bool) -> Trace:
    """:func:`lazyviz.trace` for a Keras model."""
    if not args and not kwargs:
        return build_keras_structure(model)
    return KerasSession(model, inplace=inplace).run(args, kwargs)


INPLACE_ADVICE = "or pass inplace=True to run the batch through the model itself."


def private_keras_copy(model: Any, *, advice: str = INPLACE_ADVICE) -> KerasLayer:
    """A copy of ``model`` sharing nothing with it: unbuilt if it is unbuilt, else same weights.

    ``keras.models.clone_model`` for Sequential and functional models (and
    layers with a config); a subclassed model it cannot re-create is a
    ``TypeError`` that ends with ``advice`` (by default: pass ``inplace=True``).
    """
    import keras

    with keras_random():
        try:
            if isinstance(model, keras.Model):
                copy = keras.models.clone_model(model)
            else:  # a single layer
                copy = type(model).from_config(model.get_config())
        except Exception as exc:
            raise TypeError(
                f"lazyviz cannot make a private copy of the Keras model {model.name!r} "
                f"({type(model).__name__}): keras.models.clone_model failed ({exc}). "
                "Subclassed models need a get_config/from_config pair to be cloned; " + advice
            ) from exc
        if getattr(model, "built", False) and model.weights:
            if not copy.built or len(copy.weights) != len(model.weights):
                shape = getattr(model, "_build_shapes_dict", None) or {}
                if not copy.built and len(shape) == 1:
                    copy.build(next(iter(shape.values())))
            copy.set_weights(model.get_weights())
    layer: KerasLayer = copy  # keras' clone is untyped (Any): say what it is
    return layer


@contextlib.contextmanager
def keras_random() -> Iterator[None]:
    """Keras draws seeds from Python's ``random`` and weights from torch's RNG: keep both."""
    state = random.getstate()
    try:
        with torch.random.fork_rng(devices=[]):
            yield
    finally:
        random.setstate(state)


class KerasSession:
    """The :class:`lazyviz.torch.trace.Session` surface for a Keras model (torch backend).

    Without ``inplace`` the batches run through a private copy made once
    (:func:`private_keras_copy`), so later batches see what the first one built.
    """

    compiled = False

    def __init__(self, model: Any, *, inplace: bool = False) -> None:
        self.inplace = inplace
        self.original = model
        self.model: KerasLayer = model if inplace else private_keras_copy(model)

    def structure(self) -> Trace:
        """The model as it is now, no batch run."""
        return build_keras_structure(self.model)

    def run(
        self,
        args: Args,
        kwargs: Mapping[str, Any] | None = None,
        *,
        on_output: Any = None,
    ) -> Trace:
        """Run one batch and return its trace; a failure in the model is recorded, not raised."""
        named = dict(kwargs or {})
        if not self.inplace:
            from lazyviz.torch.trace import _clone_inputs

            args, named = _clone_inputs(args), _clone_inputs(named)
        return record_call(self.model, args, named, on_output=on_output, private=not self.inplace)


def record_call(
    model: Any,
    args: Args,
    kwargs: Kwargs,
    *,
    on_output: Any = None,
    private: bool = False,
) -> Trace:
    layers = KerasLayers(model)
    inputs = labelled_inputs(args, kwargs)
    trace = build_keras_structure(model, inputs=inputs, with_edges=False, layers=layers)
    recorder = KerasRecorder(layers, trace, on_output=on_output)
    recorder.add_inputs(inputs)
    rng = keras_random() if private else contextlib.nullcontext()
    with rng, recorder:
        try:
            output = model(*args, **kwargs)
        except Exception as exc:
            recorder.fail(exc)
        else:
            recorder.finish(output)
    return trace
