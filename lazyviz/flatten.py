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
    """Tensors of a call: positional ones first, then keyword ones in sorted key order."""
    out = list(iter_tensors(args))
    for key in sorted(kwargs or {}):
        out.extend(iter_tensors(kwargs[key]))  # type: ignore[index]
    return out


def labelled_inputs(
    args: tuple, kwargs: Mapping[str, Any], *, strict: bool = True
) -> list[tuple[str, torch.Tensor]]:
    """The model's inputs in trace order, each with where it came from (``x``, ``args[1][0]``).

    Raises
    ------
    TypeError
        Naming the first argument that is not a tensor or a tuple/list/dict of
        tensors; with ``strict=False`` such arguments are skipped instead (a
        watched model is called however its owner likes).
    """
    out: list[tuple[str, torch.Tensor]] = []
    for i, arg in enumerate(args):
        _collect(arg, f"args[{i}]", out, strict)
    for key in sorted(kwargs):
        _collect(kwargs[key], str(key), out, strict)
    return out


def _collect(obj: Any, where: str, out: list[tuple[str, torch.Tensor]], strict: bool) -> None:
    if isinstance(obj, torch.Tensor):
        out.append((where, obj))
    elif isinstance(obj, (tuple, list)):
        for i, item in enumerate(obj):
            _collect(item, f"{where}[{i}]", out, strict)
    elif isinstance(obj, Mapping):
        for key, item in obj.items():
            _collect(item, f"{where}[{key!r}]", out, strict)
    elif strict:
        raise TypeError(
            "lazyviz: inputs must be tensors, or tuples/lists/dicts of tensors; "
            f"{where} is a {type(obj).__name__}"
        )
