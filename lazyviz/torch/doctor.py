"""The shape-error doctor: one plain sentence that names the likely fix in code.

A failed run's error says what PyTorch said ("mat1 and mat2 shapes cannot be
multiplied (2x30 and 20x256)"). A learner then needs the fix: the eager layer
that fits the data (``nn.Linear(30, 256)``), the lazy one that avoids the
question (``nn.LazyLinear(256)``), or, when a lazy layer was sized by an
earlier batch, that the model must be re-created. The sizes come from the
failing module and the tensors it received, not from parsing the message
(which changes between PyTorch versions); only a ``view``/``reshape`` of the
wrong size, where no module knows the sizes, is read from the message.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Iterable, Sequence
from typing import Any

import torch
from torch import nn

__all__ = ["error_entry", "hint", "remember_sized", "was_sized"]

_SIZED: weakref.WeakSet[nn.Module] = weakref.WeakSet()


def remember_sized(modules: Iterable[nn.Module]) -> None:
    """These modules' parameters were materialized by a batch lazyviz saw (held weakly)."""
    _SIZED.update(modules)


def was_sized(module: nn.Module) -> bool:
    """Whether a batch lazyviz saw (a trace, a widget's feed, a watched forward) sized it."""
    return module in _SIZED


_CONV = (
    nn.Conv1d,
    nn.Conv2d,
    nn.Conv3d,
    nn.ConvTranspose1d,
    nn.ConvTranspose2d,
    nn.ConvTranspose3d,
)
_BATCH_NORM = (nn.BatchNorm1d, nn.BatchNorm2d, nn.BatchNorm3d)
_INSTANCE_NORM = (nn.InstanceNorm1d, nn.InstanceNorm2d, nn.InstanceNorm3d)


def hint(
    module: nn.Module,
    path: str,
    inputs: Sequence[Any],
    exc: BaseException,
    *,
    sized_by_earlier_batch: bool = False,
) -> str | None:
    """The fix for a failure of ``module`` (at ``path``) on ``inputs``, or None if unknown.

    ``sized_by_earlier_batch``: the module's parameters were materialized by an
    earlier batch of this model (a lazy layer whose input then changed).
    """
    tensors = [t for t in inputs if isinstance(t, torch.Tensor)]
    where = path or "(root)"
    for check in _CHECKS:
        found = check(module, where, tensors, sized_by_earlier_batch)
        if found is not None:
            return found
    return _view_hint(where, exc)


def error_entry(
    module: nn.Module, path: str, inputs: Sequence[Any], exc: BaseException
) -> dict[str, str | None]:
    """A node's ``error`` (docs/trace-schema.md): PyTorch's type and message, and the hint.

    The hint is an extra: where finding one fails, it is None and the error
    itself is still recorded.
    """
    try:
        found = hint(module, path, inputs, exc, sized_by_earlier_batch=was_sized(module))
    except Exception:
        found = None
    return {"type": type(exc).__name__, "message": str(exc), "hint": found}


def _changed(where: str, kind: str, expected: int, got: int) -> str:
    return (
        f"Layer {where} was sized by the model's first batch: it expects {expected} {kind} "
        f"but this batch gives {got}. A lazy model takes its sizes from the first batch it "
        f"sees, so re-create the model (or run it on inputs with {expected} {kind})."
    )


def _linear(
    module: nn.Module, where: str, tensors: list[torch.Tensor], changed: bool
) -> str | None:
    if not isinstance(module, nn.Linear) or not tensors or tensors[0].dim() == 0:
        return None
    expected, got, out = module.in_features, tensors[0].shape[-1], module.out_features
    if expected == got:
        return None
    if changed:
        return _changed(where, "input features", expected, got)
    return (
        f"Layer {where} expects {expected} input features but got {got}: use "
        f"nn.Linear({got}, {out}), or nn.LazyLinear({out}), which takes the size from the data."
    )


def _conv(module: nn.Module, where: str, tensors: list[torch.Tensor], changed: bool) -> str | None:
    if not isinstance(module, _CONV) or not tensors:
        return None
    x = tensors[0]
    spatial = len(module.kernel_size)
    if x.dim() not in (spatial + 1, spatial + 2):
        return (
            f"Layer {where} ({type(module).__name__}) takes a {spatial + 2}-D batch "
            f"(batch, channels, {_dims(spatial)}) but got a {x.dim()}-D tensor of shape "
            f"{tuple(x.shape)}: reshape the input, e.g. x.view(-1, channels, {_dims(spatial)})."
        )
    got = x.shape[1] if x.dim() == spatial + 2 else x.shape[0]
    expected = module.in_channels
    if got == expected:
        return None
    if changed:
        return _changed(where, "input channels", expected, got)
    name = type(module).__name__
    k = _kernel(module.kernel_size)
    return (
        f"Layer {where} expects {expected} input channels but got {got}: use "
        f"nn.{name}({got}, {module.out_channels}, kernel_size={k}), or "
        f"nn.Lazy{name}({module.out_channels}, kernel_size={k}), which takes the channels "
        "from the data."
    )


def _norm(module: nn.Module, where: str, tensors: list[torch.Tensor], changed: bool) -> str | None:
    if not tensors:
        return None
    x = tensors[0]
    name = type(module).__name__
    if isinstance(module, (*_BATCH_NORM, *_INSTANCE_NORM)):
        if x.dim() < 2:
            return None
        expected, got = module.num_features, x.shape[1]
        lazy = f"nn.Lazy{name}()"
    elif isinstance(module, nn.GroupNorm):
        if x.dim() < 2:
            return None
        expected, got = module.num_channels, x.shape[1]
        if got == expected:
            return None
        return (
            f"Layer {where} expects {expected} channels but got {got}: use "
            f"nn.GroupNorm({module.num_groups}, {got}) (the group count must divide {got})."
        )
    elif isinstance(module, nn.LayerNorm):
        want = tuple(module.normalized_shape)
        have = tuple(x.shape[-len(want) :]) if x.dim() >= len(want) else tuple(x.shape)
        if have == want:
            return None
        return (
            f"Layer {where} normalizes over the last dimensions {want} but the input ends in "
            f"{have}: use nn.LayerNorm({_tuple_arg(have)})."
        )
    else:
        return None
    if got == expected:
        return None
    if changed:
        return _changed(where, "channels", expected, got)
    return (
        f"Layer {where} expects {expected} channels but got {got}: use nn.{name}({got}), "
        f"or {lazy}, which takes the size from the data."
    )


def _embedding(
    module: nn.Module, where: str, tensors: list[torch.Tensor], changed: bool
) -> str | None:
    if not isinstance(module, nn.Embedding) or not tensors:
        return None
    ids = tensors[0]
    if ids.is_floating_point() or ids.is_complex():
        return (
            f"Layer {where} (Embedding) looks rows up by integer index but got {ids.dtype} "
            "values: pass token ids as integers (ids.long())."
        )
    if ids.numel() == 0 or ids.is_meta:
        return None
    low, high = int(ids.min()), int(ids.max())
    rows = module.num_embeddings
    if low >= 0 and high < rows:
        return None
    bad = high if high >= rows else low
    return (
        f"Layer {where} has {rows} rows (indices 0 to {rows - 1}) but got index {bad}: use "
        f"nn.Embedding({max(high + 1, rows)}, {module.embedding_dim}) to cover the vocabulary, "
        f"or keep the ids below {rows}."
    )


def _attention(
    module: nn.Module, where: str, tensors: list[torch.Tensor], changed: bool
) -> str | None:
    if not isinstance(module, nn.MultiheadAttention) or not tensors:
        return None
    got = tensors[0].shape[-1]
    if got == module.embed_dim:
        sizes = [t.shape[-1] for t in tensors[1:3]]
        wanted = [module.kdim, module.vdim][: len(sizes)]
        if sizes == wanted:
            return None
        return (
            f"Layer {where} expects keys of {module.kdim} and values of {module.vdim} "
            f"features but got {sizes}: pass kdim= and vdim= to nn.MultiheadAttention."
        )
    return (
        f"Layer {where} expects queries of {module.embed_dim} features (embed_dim) but got "
        f"{got}: use nn.MultiheadAttention({got}, {module.num_heads}) (embed_dim must be "
        f"divisible by num_heads), or project the input to {module.embed_dim} first."
    )


_CHECKS = (_linear, _conv, _norm, _embedding, _attention)

_VIEW = re.compile(r"shape '\[([-\d, ]+)\]' is invalid for input of size (\d+)")


def _view_hint(where: str, exc: BaseException) -> str | None:
    match = _VIEW.search(str(exc))
    if match is None:
        return None
    dims = [int(d) for d in match.group(1).split(",") if d.strip()]
    size = int(match.group(2))
    known = 1
    for d in dims:
        if d > 0:
            known *= d
    shape = ", ".join(str(d) for d in dims)
    needs = f"a multiple of {known}" if -1 in dims else str(known)
    return (
        f"In {where}, a view/reshape to ({shape}) needs {needs} elements but the tensor has "
        f"{size}: flatten with x.flatten(1) (or x.view(x.size(0), -1)) and let a lazy layer "
        "after it (nn.LazyLinear) take the size from the data."
    )


def _dims(n: int) -> str:
    names = {1: ["length"], 2: ["height", "width"]}.get(n, ["depth", "height", "width"])
    return ", ".join(names)


def _kernel(size: tuple[int, ...]) -> str:
    return str(size[0]) if len(set(size)) == 1 else str(tuple(size))


def _tuple_arg(shape: tuple[int, ...]) -> str:
    return str(shape[0]) if len(shape) == 1 else str(list(shape))
