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

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import torch
from torch.utils._python_dispatch import TorchDispatchMode

__all__ = ["private_random"]

_SEEDED = torch.Tag.nondeterministic_seeded
_REDIRECT: dict[Any, Any] = {}  # op overload -> the overload that takes a generator, or None


class _PrivateRandom(TorchDispatchMode):
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


@contextmanager
def private_random(seed: int = 0) -> Iterator[Callable[[], bool]]:
    """Run the body with its random draws on a private generator (seeded with ``seed``).

    Yields a function telling whether some draw could not be redirected;
    in that case the global CPU (and CUDA) RNG state is restored on exit.
    """
    cpu_state = torch.get_rng_state()
    cuda_states = torch.cuda.get_rng_state_all() if torch.cuda.is_initialized() else None
    mode = _PrivateRandom(seed)
    try:
        with mode:
            yield lambda: mode.unredirected
    finally:
        if mode.unredirected:
            torch.set_rng_state(cpu_state)
            if cuda_states is not None:
                torch.cuda.set_rng_state_all(cuda_states)
