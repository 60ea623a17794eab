"""Naming the functional operations seen between modules."""

from __future__ import annotations

import types
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

from lazyviz.torch.flatten import Args

# Python operators reach __torch_function__ under their dunder names; a
# learner knows them by the torch function they stand for.
_OPERATORS = {
    "add": "add",
    "sub": "sub",
    "mul": "mul",
    "matmul": "matmul",
    "truediv": "div",
    "div": "div",
    "floordiv": "floor_divide",
    "mod": "remainder",
    "pow": "pow",
    "and": "bitwise_and",
    "or": "bitwise_or",
    "xor": "bitwise_xor",
    "lshift": "bitwise_left_shift",
    "rshift": "bitwise_right_shift",
    "neg": "neg",
    "getitem": "getitem",
    "setitem": "setitem",
}

# Operations that only move or re-type the same values: the data keeps its
# producer instead of gaining a node.
_PASS_THROUGH = frozenset(
    {
        "contiguous",
        "detach",
        "clone",
        "to",
        "cpu",
        "cuda",
        "float",
        "double",
        "half",
        "bfloat16",
        "type",
        "type_as",
        "requires_grad_",
        "data",
        "detach_",
    }
)


def raw_name(func: Callable[..., object]) -> str:
    name = getattr(func, "__name__", None) or type(func).__name__
    if name == "__get__":  # a tensor property such as .T or .mT
        owner = getattr(func, "__self__", None)
        name = getattr(owner, "__name__", name)
    return name


def op_name(func: Callable[..., object]) -> str:
    """``add`` for ``x + y``, ``x += y``, ``torch.add`` and ``x.add_``; ``cat``, ``flatten``..."""
    name = raw_name(func)
    if name.startswith("__") and name.endswith("__"):
        core = name[2:-2]
        if core not in _OPERATORS and core[:1] in ("i", "r") and core[1:] in _OPERATORS:
            core = core[1:]
        return _OPERATORS.get(core, core)
    if name.endswith("_") and not name.startswith("_"):
        name = name[:-1]
    return _OPERATORS.get(name, name)


def is_inplace(func: Callable[..., object], kwargs: Mapping[str, Any]) -> bool:
    """True when the operation writes into its first argument (or an ``out=`` tensor)."""
    name = raw_name(func)
    if name.startswith("__") and name.endswith("__"):
        core = name[2:-2]
        return core == "setitem" or (core[:1] == "i" and core[1:] in _OPERATORS)
    return (name.endswith("_") and not name.startswith("_")) or kwargs.get("out") is not None


def written_tensors(
    func: Callable[..., object], args: Args, kwargs: Mapping[str, Any]
) -> list[Any]:
    """The tensors an operation is about to write into (empty for a pure one)."""
    if raw_name(func) == "embedding":  # max_norm renormalizes the weight rows in place
        max_norm = kwargs.get("max_norm", args[3] if len(args) > 3 else None)
        weight = kwargs.get("weight", args[1] if len(args) > 1 else None)
        return [weight] if max_norm is not None else []
    if not is_inplace(func, kwargs):
        return []
    out = kwargs.get("out")
    if out is not None:
        return list(out) if isinstance(out, (tuple, list)) else [out]
    return [args[0]] if args else []


def passes_through(func: Callable[..., object]) -> bool:
    name = raw_name(func)
    return name in _PASS_THROUGH


class OpInfo(NamedTuple):
    """What the recorder needs to know of a function, whatever its arguments."""

    raw: str  # raw_name
    name: str  # op_name
    inplace: bool  # writes into its first argument (``out=`` aside)
    passes: bool  # passes_through
    embedding: bool  # may renormalize its weight in place (``max_norm``)


_INFO: dict[Any, OpInfo] = {}
# Owners of a function that live as long as torch does; a function bound to anything
# else (a user's object) is not kept in the cache.
_LASTING = (type, types.ModuleType)


def op_info(func: Callable[..., object]) -> OpInfo:
    """:class:`OpInfo` of ``func``, cached for torch's own functions."""
    try:
        info = _INFO.get(func)
    except TypeError:  # an unhashable callable
        return _op_info(func)
    if info is None:
        info = _op_info(func)
        owner = getattr(func, "__self__", None)
        if owner is None or isinstance(owner, _LASTING) or _is_descriptor(owner):
            _INFO[func] = info
    return info


def _is_descriptor(owner: object) -> bool:
    # Tensor.shape.__get__ and the like: bound to a class attribute
    return type(owner).__name__ in ("getset_descriptor", "member_descriptor", "property")


def _op_info(func: Callable[..., object]) -> OpInfo:
    raw = raw_name(func)
    return OpInfo(
        raw=raw,
        name=op_name(func),
        inplace=is_inplace(func, {}),
        passes=raw in _PASS_THROUGH,
        embedding=raw == "embedding",
    )
