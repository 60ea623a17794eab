"""What a module knows about its parameters' shapes before its first forward.

``LazyLinear(256)`` knows its weight is ``(256, ?)``; ``LazyConv2d(6, 5)``
knows ``(6, ?, 5, 5)``; ``LazyBatchNorm2d()`` only knows ``(?)``. An unknown
dimension is ``None``; a parameter whose rank is unknown is ``None`` as a
whole.
"""

from __future__ import annotations

import torch
from torch import nn

# torch's stub (torch/nn/parameter.pyi) leaves the shared base of the Uninitialized* classes out
from torch.nn.parameter import UninitializedTensorMixin  # type: ignore[attr-defined]

from lazyviz.record.graph import Shape


def is_uninitialized(t: object) -> bool:
    """True for ``UninitializedParameter`` / ``UninitializedBuffer``."""
    return isinstance(t, UninitializedTensorMixin)


def known_shape(module: nn.Module, name: str, param: torch.Tensor | None) -> Shape | None:
    """The shape of ``module.<name>`` as far as it is known now."""
    if param is None:
        return None
    if not is_uninitialized(param):
        return list(param.shape)
    return _lazy_shape(module, name)


def _lazy_shape(module: nn.Module, name: str) -> Shape | None:
    # Read the structure from the (lazy) base class, so subclasses of the
    # torch.nn Lazy* classes are covered as well.
    if isinstance(module, nn.modules.conv._ConvNd):
        return _conv_shape(module, name)
    if isinstance(module, nn.Linear):
        return [module.out_features, None] if name == "weight" else [module.out_features]
    if isinstance(module, nn.modules.batchnorm._NormBase) and name in ("weight", "bias"):
        return [None]
    return None


def _conv_shape(conv: nn.modules.conv._ConvNd, name: str) -> Shape | None:
    if name == "bias":
        return [conv.out_channels]
    if name != "weight":
        return None
    kernel = list(conv.kernel_size)
    if conv.transposed:
        # (in_channels, out_channels / groups, *kernel): in_channels is what is missing
        return [None, conv.out_channels // conv.groups, *kernel]
    # (out_channels, in_channels / groups, *kernel)
    return [conv.out_channels, None, *kernel]


def param_shape_now(param: torch.Tensor | None) -> list[int] | None:
    """The materialized shape, or None while it is unknown."""
    if param is None or is_uninitialized(param):
        return None
    return list(param.shape)
