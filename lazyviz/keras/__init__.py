"""Keras 3 models (torch backend) traced into the same ``lazyviz.trace/1`` record.

Nothing here imports keras at import time: :func:`is_keras_model` only looks
at ``sys.modules``, so ``import lazyviz`` never loads keras, and a process that
never imported keras cannot hold a Keras model.

Naming in the record (``docs/trace-schema.md``, "Keras 3"):

- a node's ``path`` is the layer's name path below the traced model, joined
  by ``/`` (``"dense"``, ``"inner/dense_1"``); the model itself is ``""``;
- a node's ``type`` is the layer's class name (``Dense``);
- a parameter's ``name`` is the Keras variable's name (``kernel``, ``bias``,
  ``gamma``, ``beta``); only trainable variables are parameters (the moving
  statistics of ``BatchNormalization`` are left out, as torch leaves buffers out).
"""

from __future__ import annotations

import sys
from typing import Protocol

__all__ = ["KerasLayer", "is_keras_model"]


class KerasLayer(Protocol):
    """A Keras 3 layer or model, as lazyviz hands one back (keras ships no type information).

    Only what every layer has is named here; the rest of a layer is Keras' own business.
    """

    @property
    def name(self) -> str: ...

    @property
    def built(self) -> bool: ...

    def __call__(self, *args: object, **kwargs: object) -> object: ...


def is_keras_model(obj: object) -> bool:
    """True if ``obj`` is a Keras 3 layer or model; never imports keras itself."""
    keras = sys.modules.get("keras")
    if keras is None:
        return False
    layers = getattr(keras, "layers", None)
    layer_cls = getattr(layers, "Layer", None)
    return isinstance(layer_cls, type) and isinstance(obj, layer_cls)
