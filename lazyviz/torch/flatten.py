"""Walking the tensors inside nested arguments and results, depth first."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import torch

Args = tuple[Any, ...]
"""A call's positional arguments, as the model takes them: tensors, containers, anything."""

Kwargs = dict[str, Any]
"""A call's keyword arguments."""


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


# Argument types that hold no tensor: skipped without looking inside.
_SCALARS = frozenset({int, float, bool, str, type(None), torch.dtype, torch.device, torch.Size})


def call_tensors(args: Args, kwargs: Mapping[str, Any] | None) -> list[torch.Tensor]:
    """Tensors of a call: positional ones first, then keyword ones in the order passed.

    Flat arguments are read without a generator: a recorder calls this on
    every module call and operation of a run.
    """
    out: list[torch.Tensor] = []
    for value in (args, kwargs.values()) if kwargs else (args,):
        for item in value:
            if isinstance(item, torch.Tensor):
                out.append(item)
            elif type(item) not in _SCALARS:  # a container, or something to look into
                out.extend(iter_tensors(item))
    return out


def tensors_of(obj: Any) -> list[torch.Tensor]:
    """Every tensor in ``obj`` as a list; a lone tensor without a generator."""
    if isinstance(obj, torch.Tensor):
        return [obj]
    return list(iter_tensors(obj))


def shapes(tensors: Iterable[torch.Tensor]) -> list[list[int]]:
    """The record's shapes (lists of ints) of ``tensors``, in order."""
    return [list(t.shape) for t in tensors]


def shapes_of(obj: Any) -> list[list[int]]:
    """Shapes of the tensors in ``obj``; the common single-tensor call without a generator."""
    if type(obj) is tuple and len(obj) == 1 and isinstance(obj[0], torch.Tensor):
        return [list(obj[0].shape)]
    return [list(t.shape) for t in iter_tensors(obj)]


def labelled_inputs(args: Args, kwargs: Mapping[str, Any]) -> list[tuple[str, torch.Tensor]]:
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
