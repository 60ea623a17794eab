"""Random draws of the private copy come from a generator of lazyviz's own.

``torch.random.fork_rng`` saves the process-wide RNG state and restores it
afterwards, which rolls back every draw that another thread made meanwhile
(its dropout masks repeat). Instead, every seeded operation the private copy
runs (lazy initialization, dropout, ``torch.rand`` in user code) is given a
private ``generator`` at the dispatcher, so the global state is never
consumed. An operation that takes no generator (a rare custom kernel) cannot
be redirected: only then is the global state restored at the end, with the
thread caveat that restoring carries.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import torch
from torch import nn
from torch.utils._python_dispatch import TorchDispatchMode, _get_current_dispatch_mode

__all__ = ["PrivateRandom", "draws_privately", "private_random", "reset_on_private_generator"]

_SEEDED = torch.Tag.nondeterministic_seeded
_REDIRECT: dict[Any, Any] = {}  # op overload -> the overload that takes a generator, or None


class PrivateRandom(TorchDispatchMode):
    """Gives every seeded operation a private generator (one per device)."""

    def __init__(self, seed: int) -> None:
        super().__init__()
        self.seed = seed
        self.generators: dict[torch.device, torch.Generator] = {}
        self.unredirected = False

    def __torch_dispatch__(
        self, func: Any, types: Any, args: tuple = (), kwargs: dict | None = None
    ) -> Any:
        kwargs = kwargs or {}
        if _SEEDED in func.tags and kwargs.get("generator") is None:
            func, kwargs = self._redirect(func, args, kwargs)
        return func(*args, **kwargs)

    def _redirect(self, func: Any, args: tuple, kwargs: dict) -> tuple[Any, dict]:
        target = _with_generator(func)
        device = _device_of(args, kwargs)
        if device.type == "meta":  # nothing is drawn on meta
            return func, kwargs
        if target is None or device.type not in ("cpu", "cuda"):
            self.unredirected = True
            return func, kwargs
        return target, {**kwargs, "generator": self._generator(device)}

    def pause(self) -> bool:
        """Step aside (inside a layer known to draw nothing itself); False if not on top."""
        if _get_current_dispatch_mode() is not self:
            return False
        self.__exit__(None, None, None)
        return True

    def resume(self) -> None:
        self.__enter__()

    def _generator(self, device: torch.device) -> torch.Generator:
        gen = self.generators.get(device)
        if gen is None:
            gen = torch.Generator(device=device)
            gen.manual_seed(self.seed)
            self.generators[device] = gen
        return gen


def _with_generator(func: Any) -> Any:
    """``func`` itself if it takes a generator, else its ``*generator`` overload, else None."""
    if func in _REDIRECT:
        return _REDIRECT[func]
    target = None
    if any(a.name == "generator" for a in func._schema.arguments):
        target = func
    else:
        name = func._overloadname
        for alt in ("generator" if name == "default" else f"{name}_generator",):
            candidate = getattr(func.overloadpacket, alt, None)
            if candidate is not None:
                target = candidate
    _REDIRECT[func] = target
    return target


def _device_of(args: tuple, kwargs: dict) -> torch.device:
    for value in (*args, *kwargs.values()):
        if isinstance(value, torch.Tensor):
            return value.device
    device = kwargs.get("device")
    return torch.device(device) if device is not None else torch.device("cpu")


_ACTIVE = threading.local()


@contextmanager
def private_random(seed: int = 0) -> Iterator[PrivateRandom]:
    """Run the body with its random draws on a private generator (seeded with ``seed``).

    Yields the mode; if some draw could not be redirected (``mode.unredirected``),
    the global CPU (and CUDA) RNG state is restored on exit.
    """
    cpu_state = torch.get_rng_state()
    cuda_states = torch.cuda.get_rng_state_all() if torch.cuda.is_initialized() else None
    mode = PrivateRandom(seed)
    outer = getattr(_ACTIVE, "mode", None)
    _ACTIVE.mode = mode
    mode.__enter__()
    try:
        yield mode
    finally:
        # Interrupted inside a layer where it stepped aside, the mode is not on the stack.
        mode.pause()
        _ACTIVE.mode = outer
        if mode.unredirected:
            torch.set_rng_state(cpu_state)
            if cuda_states is not None:
                torch.cuda.set_rng_state_all(cuda_states)


# torch.nn layers whose forward draws random numbers: the private mode stays on inside them.
_DRAWING = (
    nn.Dropout,
    nn.Dropout1d,
    nn.Dropout2d,
    nn.Dropout3d,
    nn.AlphaDropout,
    nn.FeatureAlphaDropout,
    nn.RReLU,
)
_STANDARD_RESETS = (nn.Linear.reset_parameters, nn.modules.conv._ConvNd.reset_parameters)


def draws_privately(module: nn.Module) -> bool:
    """False for a torch.nn layer known to draw nothing in its call, so the mode may step aside.

    A user's layer may call ``torch.rand``; a lazy layer draws its initial
    weights unless :func:`reset_on_private_generator` took care of it.
    """
    if not type(module).__module__.startswith("torch.nn.") or isinstance(module, _DRAWING):
        return True
    lazy = isinstance(module, nn.modules.lazy.LazyModuleMixin)
    return lazy and "reset_parameters" not in vars(module)


def reset_on_private_generator(model: nn.Module) -> None:
    """Lazy Linear/Conv layers of a private copy draw their first weights privately.

    Their class's ``reset_parameters`` (Kaiming uniform with a = sqrt(5), bias
    U(-1/sqrt(fan_in), 1/sqrt(fan_in))) is given the private generator of the
    run in progress, so initialization needs no dispatch-level redirection
    (which costs a Python call per operation). Only for copies lazyviz owns.
    """
    for module in model.modules():
        target = getattr(type(module), "cls_to_become", None)
        if target is not None and getattr(target, "reset_parameters", None) in _STANDARD_RESETS:
            # an instance attribute wins over the class's method (the copy is ours)
            object.__setattr__(module, "reset_parameters", _PrivateReset(module))


class _PrivateReset:
    """``reset_parameters`` of Linear and Conv layers, on the active private generator."""

    def __init__(self, module: nn.Module) -> None:
        self.module = module

    def __call__(self) -> None:
        weight: torch.Tensor = self.module._parameters["weight"]  # type: ignore[assignment]
        bias = self.module._parameters.get("bias")
        mode: PrivateRandom | None = getattr(_ACTIVE, "mode", None)
        gen = None if mode is None or weight.is_meta else mode._generator(weight.device)
        with torch.no_grad():
            nn.init.kaiming_uniform_(weight, a=math.sqrt(5), generator=gen)
            if bias is not None:
                fan_in, _ = nn.init._calculate_fan_in_and_fan_out(weight)
                bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0
                nn.init.uniform_(bias, -bound, bound, generator=gen)
