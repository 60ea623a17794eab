"""Walking the tensors inside nested arguments and results, depth first."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import torch


def iter_tensors(obj: Any) -> Iterator[torch.Tensor]:
    """Every tensor in ``obj`` (tuples, lists and dicts, nested), depth first; others skipped."""
    if isinstance(obj, torch.Tensor):
        yield obj
    elif isinstance(obj, (tuple, list)):
        for item in obj:
            yield from iter_tensors(item)
    elif isinstance(obj, Mapping):
        for item in obj.values():
            yield from iter_tensors(item)


def call_tensors(args: tuple, kwargs: Mapping[str, Any] | None) -> list[torch.Tensor]:
    """Tensors of a call: positional ones first, then keyword ones in the order passed."""
    out = list(iter_tensors(args))
    if kwargs:
        out.extend(iter_tensors(kwargs))
    return out


def labelled_inputs(args: tuple, kwargs: Mapping[str, Any]) -> list[tuple[str, torch.Tensor]]:
    """The model's tensor inputs in trace order, each with where it came from (``args[1][0]``).

    Positional arguments first, then keyword ones in sorted key order, nested
    containers depth first. Values that are not tensors (``None``, flags, a
    Hugging Face cache object) are the model's business: they are passed to
    ``forward`` unchanged and do not become inputs of the graph.
    """
    out: list[tuple[str, torch.Tensor]] = []
    for i, arg in enumerate(args):
        _collect(arg, f"args[{i}]", out)
    for key in sorted(kwargs):
        _collect(kwargs[key], str(key), out)
    return out


def _collect(obj: Any, where: str, out: list[tuple[str, torch.Tensor]]) -> None:
    if isinstance(obj, torch.Tensor):
        out.append((where, obj))
    elif isinstance(obj, (tuple, list)):
        for i, item in enumerate(obj):
            _collect(item, f"{where}[{i}]", out)
    elif isinstance(obj, Mapping):
        for key, item in obj.items():
            _collect(item, f"{where}[{key!r}]", out)
