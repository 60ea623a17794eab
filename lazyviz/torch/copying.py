"""A private copy of a model that can run without touching the original.

``copy.deepcopy`` alone fails on ``LazyBatchNorm*`` in torch 2.13: its
``UninitializedBuffer`` refuses to be copied. Every parameter and buffer is
therefore copied first, by hand, into deepcopy's memo; deepcopy then reuses
those copies, so tied parameters stay tied and lazy ones stay lazy.

Copying a big model's weights costs as much as a forward pass, so with
``share=True`` known parameters are new Parameter objects over the *same*
storage. That is only safe while nothing writes into them: the recorder
refuses every in-place write to a shared storage (see ``SharedWrite``), and
the session then starts again on a full copy.
"""

from __future__ import annotations

import contextlib
import copy
import gc
import types
import weakref
from collections import OrderedDict
from collections.abc import Iterator
from typing import Any, TypeVar

import torch
from torch import nn
from torch.nn.modules.module import _WrappedHook
from torch.nn.parameter import UninitializedBuffer, UninitializedParameter
from torch.utils.hooks import RemovableHandle

from lazyviz.torch.shapes import is_uninitialized

M = TypeVar("M", bound=nn.Module)


class SharedWrite(BaseException):
    """An in-place write into a parameter storage the private copy shares with the user's model.

    A BaseException, so neither the model's own ``except Exception`` nor
    torch's always-call hooks treat it as a failure of the model.
    """


def private_copy(model: M, *, share: bool = False) -> M:
    """A deep copy of ``model`` whose lazy parameters and buffers are still lazy.

    With ``share=True`` known parameters share storage with the original's.
    """
    with gc_paused():
        return _private_copy(model, share)[0]


def shared_copy(model: M) -> tuple[M, set[int], bool]:
    """``private_copy(model, share=True)``, the storage addresses it shares with ``model``
    (every in-place write into them must be refused), and whether any parameter is lazy."""
    with gc_paused():
        shared: set[int] = set()
        copy, lazy = _private_copy(model, True, shared)
        return copy, shared, lazy


def _private_copy(model: M, share: bool, shared: set[int] | None = None) -> tuple[M, bool]:
    memo: dict[int, object] = {}
    lazy = False
    # The modules' own dicts: model.parameters() and .buffers() cost a generator per module.
    modules = list(model.modules())
    for module in modules:
        for param in module._parameters.values():
            if param is None or id(param) in memo:
                continue
            if is_uninitialized(param):
                lazy = True
                memo[id(param)] = _copy_tensor(param)
            elif share:
                copied = memo[id(param)] = _share_param(param)
                if shared is not None and _has_storage(copied):
                    storage = _storage(copied)
                    if storage == _storage(param):  # shared indeed, not copied
                        shared.add(storage)
            else:
                memo[id(param)] = _copy_tensor(param)
    for module in modules:
        for buffer in module._buffers.values():
            if buffer is not None and id(buffer) not in memo:
                memo[id(buffer)] = _copy_tensor(buffer)
    try:
        return _copy_module(model, memo), lazy
    except Exception as exc:
        raise TypeError(
            f"lazyviz could not make a private copy of this {type(model).__name__} "
            f"({type(exc).__name__}: {exc}); pass inplace=True to run the model itself"
        ) from exc


_ATOMIC = (int, float, bool, str, bytes, type(None), torch.dtype, torch.device)
_ATOMIC_TYPES = frozenset(_ATOMIC)
_DICTS = (dict, OrderedDict)


def _copy_module(module: M, memo: dict[int, Any]) -> M:
    """``copy.deepcopy`` of a module tree, several times faster on the common parts.

    Submodules and the (usually empty) hook dictionaries are copied directly;
    anything else goes through ``copy.deepcopy`` with the same memo, so
    sharing and cycles are kept exactly as deepcopy keeps them.
    """
    if id(module) in memo:
        done: M = memo[id(module)]  # deepcopy's memo holds the copy of each object it met
        return done
    if hasattr(type(module), "__deepcopy__"):  # the class knows best how to copy itself
        return copy.deepcopy(module, memo)
    new = type(module).__new__(type(module))
    memo[id(module)] = new
    state = {}
    for key, value in module.__dict__.items():
        kind = type(value)
        if kind in _ATOMIC_TYPES:
            state[key] = value
        elif kind in _DICTS and not value:  # most hook dicts: empty
            state[key] = memo[id(value)] = kind()
        else:
            state[key] = _copy_value(key, value, memo)
    new.__dict__.update(state)
    return new


def _copy_value(key: str, value: Any, memo: dict[int, Any]) -> Any:
    if type(value) is tuple and all(type(v) in _ATOMIC_TYPES for v in value):
        return value  # immutable all the way down, as deepcopy would find
    if key == "_modules":
        return {name: None if m is None else _copy_module(m, memo) for name, m in value.items()}
    if id(value) in memo:
        return memo[id(value)]
    if key in ("_parameters", "_buffers") and type(value) is dict:
        return {name: None if t is None else memo.get(id(t), t) for name, t in value.items()}
    if type(value) is RemovableHandle:
        return _copy_handle(value, memo)
    if type(value) in (dict, OrderedDict):
        # By hand: deepcopy reduces an OrderedDict through copyreg, which cannot
        # cache its answer for a C type and so costs ~0.1 ms per hook dict.
        new = type(value)()
        memo[id(value)] = new
        for name, item in value.items():
            new[name] = _copy_item(item, memo)
        return new
    if type(value) is set and all(type(v) in _ATOMIC_TYPES for v in value):
        memo[id(value)] = new_set = set(value)
        return new_set
    return copy.deepcopy(value, memo)


def _copy_handle(handle: RemovableHandle, memo: dict[int, Any]) -> RemovableHandle:
    # A module keeps handles to its own hook dicts (LazyModuleMixin removes its
    # initialize hook through one): point them at the copy's dicts.
    new = RemovableHandle.__new__(RemovableHandle)
    new.id = handle.id
    new.hooks_dict_ref = _rebind(handle.hooks_dict_ref, memo)
    new.extra_dict_ref = tuple(_rebind(ref, memo) for ref in handle.extra_dict_ref)
    memo[id(handle)] = new
    return new


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic garbage collection inside: copying and recording allocate many small
    objects, and a collection pass over torch's heap costs more than the work itself."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _copy_item(item: Any, memo: dict[int, Any]) -> Any:
    """A hook (or other dict entry) pointing at the copy instead of the original module."""
    if isinstance(item, (_ATOMIC, types.FunctionType)):
        return item
    if isinstance(item, types.MethodType) and id(item.__self__) in memo:
        return types.MethodType(item.__func__, memo[id(item.__self__)])
    if isinstance(item, _WrappedHook):
        new = _WrappedHook.__new__(_WrappedHook)
        new.__dict__.update({k: _rebind(v, memo) for k, v in item.__dict__.items()})
        return new
    return copy.deepcopy(item, memo)


def _rebind(value: Any, memo: dict[int, Any]) -> Any:
    if type(value) in _ATOMIC_TYPES:
        return value
    if isinstance(value, weakref.ref):
        target = value()
        if target is None or id(target) in memo:
            return value if target is None else weakref.ref(memo[id(target)])
        if type(target) in (dict, OrderedDict):  # a hook dict not copied yet
            return weakref.ref(_copy_value("", target, memo))
        return value
    return _copy_item(value, memo)


def _has_storage(tensor: torch.Tensor) -> bool:
    return not is_uninitialized(tensor) and tensor.device.type != "meta" and tensor.numel() > 0


def _storage(tensor: torch.Tensor) -> int:
    return tensor.untyped_storage().data_ptr()


def _share_param(param: torch.Tensor) -> torch.Tensor:
    if is_uninitialized(param) or type(param) is not nn.Parameter:
        return _copy_tensor(param)
    shared = nn.Parameter(param.detach(), requires_grad=param.requires_grad)
    if param.__dict__:
        shared.__dict__.update(copy.deepcopy(param.__dict__))
    return shared


def _copy_tensor(tensor: torch.Tensor) -> torch.Tensor:
    if isinstance(tensor, (UninitializedParameter, UninitializedBuffer)):
        # torch's stubs omit device/dtype, which these constructors do take
        lazy_type: Any = type(tensor)
        fresh: torch.Tensor = lazy_type(
            requires_grad=tensor.requires_grad, device=tensor.device, dtype=tensor.dtype
        )
        return fresh
    if type(tensor) is torch.Tensor and not tensor.requires_grad and not tensor.__dict__:
        # a plain buffer: what deepcopy would give, without its Python-level detour
        with torch.no_grad():
            return tensor.clone()
    return copy.deepcopy(tensor)
