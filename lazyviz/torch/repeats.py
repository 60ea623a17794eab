"""What makes a watched forward a repeat of the last recorded one, for every adapter.

A forward repeats the last when its inputs have the same signature
(:func:`input_signature`: shapes, dtypes, devices, plain flags, the training
flag) and the last record was clean (:func:`is_clean`: nothing materialized or
initialized, no error). Both watchers (PyTorch's and Keras') count such a
forward instead of recording it, as long as the model did not change meanwhile.
"""

from __future__ import annotations

from typing import Any

import torch
from torch import nn

from lazyviz.record.graph import Trace
from lazyviz.torch.flatten import Args, Kwargs

__all__ = ["input_signature", "is_clean"]


def input_signature(root: nn.Module, args: Args, kwargs: Kwargs) -> tuple[Any, ...] | None:
    """What decides a forward's record besides the model: its tensors' shapes, dtypes, devices.

    Non-tensor arguments count by value when they are plain (a flag like
    ``use_cache=False`` changes the path); any other object makes the forward
    unique (None), so it is recorded. ``root.training`` counts too (a Keras
    layer is a torch module on the torch backend; its ``training`` call
    argument is a plain flag).
    """
    if len(args) == 1 and not kwargs and type(args[0]) is torch.Tensor:  # the common case, fast
        x = args[0]
        return (root.training, x.shape, x.dtype, x.device)
    parts: list[Any] = [root.training]
    for value in (*args, *sorted(kwargs.items())):
        if not _describe(value, parts):
            return None
    return tuple(parts)


_PLAIN = (int, float, bool, str, type(None))


def _describe(value: Any, parts: list[Any]) -> bool:
    if isinstance(value, torch.Tensor):
        parts.append((value.shape, value.dtype, value.device))
    elif isinstance(value, _PLAIN):
        parts.append(value)
    elif isinstance(value, (tuple, list)):
        parts.append(len(value))
        return all(_describe(v, parts) for v in value)
    elif isinstance(value, dict):
        parts.append(tuple(value))
        return all(_describe(v, parts) for v in value.values())
    else:
        return False
    return True


def is_clean(trace: Trace) -> bool:
    """No error, and nothing materialized or initialized: a record a repeat can stand for."""
    return trace.error is None and not any(
        e["kind"] in ("materialize", "init", "error") for e in trace.events
    )
