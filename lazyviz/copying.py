"""A private copy of a model that can run without touching the original.

``copy.deepcopy`` alone fails on ``LazyBatchNorm*`` in torch 2.13: its
``UninitializedBuffer`` refuses to be copied. Every parameter and buffer is
therefore copied first, by hand, into deepcopy's memo; deepcopy then reuses
those copies, so tied parameters stay tied and lazy ones stay lazy.
"""

from __future__ import annotations

import copy
import itertools
from typing import TypeVar

import torch
from torch import nn
from torch.nn.parameter import UninitializedBuffer, UninitializedParameter

M = TypeVar("M", bound=nn.Module)


def private_copy(model: M) -> M:
    """A deep copy of ``model`` whose lazy parameters and buffers are still lazy."""
    memo: dict[int, object] = {}
    for tensor in itertools.chain(model.parameters(), model.buffers()):
        if id(tensor) not in memo:
            memo[id(tensor)] = _copy_tensor(tensor)
    try:
        return copy.deepcopy(model, memo)
    except Exception as exc:
        raise TypeError(
            f"lazyviz could not make a private copy of this {type(model).__name__} "
            f"({type(exc).__name__}: {exc}); pass inplace=True to run the model itself"
        ) from exc


def _copy_tensor(tensor: torch.Tensor) -> torch.Tensor:
    if isinstance(tensor, UninitializedParameter):
        return UninitializedParameter(
            requires_grad=tensor.requires_grad, device=tensor.device, dtype=tensor.dtype
        )
    if isinstance(tensor, UninitializedBuffer):
        return UninitializedBuffer(
            requires_grad=tensor.requires_grad, device=tensor.device, dtype=tensor.dtype
        )
    return copy.deepcopy(tensor)
