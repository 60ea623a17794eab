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
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import torch
from torch import nn
from torch.utils._python_dispatch import TorchDispatchMode, _get_current_dispatch_mode

from lazyviz.torch.flatten import Args, Kwargs

__all__ = [
    "PrivateRandom",
    "draws_privately",
    "private_random",
    "reset_on_private_generator",
    "runs_torch_code_only",
]

_SEEDED = torch.Tag.nondeterministic_seeded
_REDIRECT: dict[Any, Any] = {}  # op overload -> the overload that takes a generator, or None


class PrivateRandom(TorchDispatchMode):
    """Gives every seeded operation a private generator (one per device).

    The mode may be on torch's dispatch stack for a whole run (:func:`private_random`)
    or only where a draw is possible: a recorder that sees every call of the model
    turns it on around the calls and layers that may draw (:meth:`activate`).
    """

    def __init__(self, seed: int) -> None:
        super().__init__()  # type: ignore[no-untyped-call]  # torch's TorchDispatchMode: unannotated
        self.seed = seed
        self.generators: dict[torch.device, torch.Generator] = {}
        self.unredirected = False
        self.active = False  # on torch's dispatch stack now

    def __torch_dispatch__(
        self, func: Any, types: Any, args: Args = (), kwargs: Kwargs | None = None
    ) -> Any:
        kwargs = kwargs or {}
        if _SEEDED in func.tags and kwargs.get("generator") is None:
            func, kwargs = self._redirect(func, args, kwargs)
        return func(*args, **kwargs)

    def _redirect(self, func: Any, args: Args, kwargs: Kwargs) -> tuple[Any, Kwargs]:
        target = _with_generator(func)
        device = _device_of(args, kwargs)
        if device.type == "meta":  # nothing is drawn on meta
            return func, kwargs
        if target is None or device.type not in ("cpu", "cuda"):
            self.unredirected = True
            return func, kwargs
        return target, {**kwargs, "generator": self._generator(device)}

    def activate(self) -> bool:
        """Go on torch's dispatch stack; False (and nothing done) if already on."""
        if self.active:
            return False
        self.__enter__()  # type: ignore[no-untyped-call]  # torch's TorchDispatchMode: unannotated
        self.active = True
        return True

    def pause(self) -> bool:
        """Leave torch's dispatch stack; False if not on top (nothing done)."""
        if _get_current_dispatch_mode() is not self:
            return False
        self.__exit__(None, None, None)  # type: ignore[no-untyped-call]  # torch's TorchDispatchMode: unannotated
        self.active = False
        return True

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


def _device_of(args: Args, kwargs: Kwargs) -> torch.device:
    for value in (*args, *kwargs.values()):
        if isinstance(value, torch.Tensor):
            return value.device
    device = kwargs.get("device")
    return torch.device(device) if device is not None else torch.device("cpu")


_ACTIVE = threading.local()


@contextmanager
def private_random(seed: int = 0, *, active: bool = True) -> Iterator[PrivateRandom]:
    """Run the body with its random draws on a private generator (seeded with ``seed``).

    Yields the mode; if some draw could not be redirected (``mode.unredirected``),
    the global CPU (and CUDA) RNG state is restored on exit. With ``active=False``
    the mode starts off torch's stack: the caller turns it on where draws are possible.
    """
    cpu_state = torch.get_rng_state()
    cuda_states = torch.cuda.get_rng_state_all() if torch.cuda.is_initialized() else None
    mode = PrivateRandom(seed)
    outer = getattr(_ACTIVE, "mode", None)
    _ACTIVE.mode = mode
    if active:
        mode.activate()
    try:
        yield mode
    finally:
        # Interrupted where it was off, the mode is not on the stack.
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

    A user's layer (or hook, or ``forward`` set on the instance) may call
    ``torch.rand``; dropout-like layers draw in training mode only; a lazy layer
    draws its initial weights unless :func:`reset_on_private_generator` took care of it.
    """
    if not runs_torch_code_only(module):
        return True
    _, drawing, lazy = _class_facts(type(module))
    if drawing:
        return module.training  # each passes ``self.training`` on; off, it draws nothing
    return lazy and "reset_parameters" not in module.__dict__


def runs_torch_code_only(module: nn.Module) -> bool:
    """True when a call of ``module`` runs torch.nn's own code and nothing else.

    Its class is one of torch.nn's (not a user subclass), its ``forward`` is the
    class's, and it has no forward pre-hook of its own but a lazy module's
    initialization hook. (Its forward hooks run after lazyviz's own exit hook.)
    """
    if not _class_facts(type(module))[0]:
        return False
    state = module.__dict__
    if "forward" in state:
        return False
    hooks = state["_forward_pre_hooks"]
    if not hooks:
        return True
    lazy_hook = state.get("_initialize_hook")
    return lazy_hook is not None and all(key == lazy_hook.id for key in hooks)


_CLASS_FACTS: dict[type, tuple[bool, bool, bool]] = {}


def _class_facts(cls: type) -> tuple[bool, bool, bool]:
    """(one of torch.nn's own classes, a dropout-like layer, a lazy module) for a class."""
    facts = _CLASS_FACTS.get(cls)
    if facts is None:
        facts = _CLASS_FACTS[cls] = (
            cls.__module__.startswith("torch.nn."),
            issubclass(cls, _DRAWING),
            issubclass(cls, nn.modules.lazy.LazyModuleMixin),
        )
    return facts


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
        # Weakly: the module holds this as its ``reset_parameters``, and a cycle would
        # leave the whole copy to the cyclic collector.
        self.module = weakref.ref(module)

    def __deepcopy__(self, memo: dict[int, Any]) -> _PrivateReset:
        module = self.module()
        assert module is not None  # copied with its module
        return _PrivateReset(memo.get(id(module), module))

    def __call__(self) -> None:
        module = self.module()
        assert module is not None  # called as the module's own method
        weight = module._parameters["weight"]
        assert weight is not None  # Linear and Conv layers always have one
        bias = module._parameters.get("bias")
        mode: PrivateRandom | None = getattr(_ACTIVE, "mode", None)
        gen = None if mode is None or weight.is_meta else mode._generator(weight.device)
        with torch.no_grad():
            nn.init.kaiming_uniform_(weight, a=math.sqrt(5), generator=gen)
            if bias is not None:
                fan_in, _ = nn.init._calculate_fan_in_and_fan_out(weight)
                bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0
                nn.init.uniform_(bias, -bound, bound, generator=gen)


# ------------------------------------------------------------------ calls that draw nothing
# A recorder sees every torch call of the model outside torch.nn's own layers (its
# TorchFunctionMode). Calls of these functions, on plain tensors, draw no random
# number whatever their arguments: the private-random mode need not be on for them.
# Anything else (``torch.rand``, ``x.uniform_()``, a custom op, a tensor subclass's
# ``__torch_function__``) runs with the mode on. Matched by identity, not by name.
def _words(text: str) -> list[str]:
    return text.split()


_DRAW_NOTHING_NAMES = _words("""
add sub subtract mul multiply div divide true_divide floor_divide remainder fmod pow neg negative
abs exp exp2 expm1 log log2 log10 log1p sqrt rsqrt square reciprocal sign sgn sin cos tan asin acos
atan atan2 sinh cosh tanh asinh acosh atanh erf erfc erfinv sigmoid logit floor ceil round trunc
frac clamp clamp_min clamp_max clip maximum minimum fmax fmin lerp addcmul addcdiv
sum mean nansum nanmean prod cumsum cumprod logsumexp amax amin max min argmax argmin std var
std_mean var_mean norm dist all any count_nonzero matmul mm bmm mv dot baddbmm addmm addmv addbmm
einsum outer tensordot kron softmax log_softmax eq ne lt le gt ge equal isclose allclose isnan
isinf isfinite logical_and logical_or logical_not logical_xor bitwise_and bitwise_or bitwise_xor
bitwise_not where masked_fill masked_scatter masked_select index_select gather scatter scatter_add
index_add index_copy index_fill take take_along_dim view view_as reshape reshape_as flatten
unflatten squeeze unsqueeze transpose permute movedim moveaxis swapaxes swapdims t expand
expand_as contiguous narrow select unbind split split_with_sizes chunk tensor_split cat concat
concatenate stack hstack vstack dstack repeat repeat_interleave tile flip fliplr flipud roll
diagonal diag diag_embed tril triu as_strided clone detach detach_ to type type_as float double
half bfloat16 int long short bool byte char cpu fill_ zero_ copy_ requires_grad_ retain_grad
new_zeros new_ones new_full new_empty new_tensor zeros ones full empty zeros_like ones_like
full_like empty_like arange linspace logspace eye size dim numel stride element_size
storage_offset is_contiguous is_floating_point is_complex is_nonzero data_ptr item tolist
nelement ndimension sort argsort topk kthvalue cummax cummin
add_ sub_ mul_ div_ pow_ neg_ abs_ exp_ log_ sqrt_ rsqrt_ sigmoid_ tanh_ clamp_ clamp_min_
clamp_max_ masked_fill_ scatter_ scatter_add_ index_add_ index_copy_ index_fill_ relu relu_
unsqueeze_ squeeze_ transpose_ t_ copysign
__add__ __radd__ __iadd__ __sub__ __rsub__ __isub__ __mul__ __rmul__ __imul__ __truediv__
__rtruediv__ __itruediv__ __div__ __rdiv__ __idiv__ __floordiv__ __rfloordiv__ __ifloordiv__
__mod__ __rmod__ __imod__ __pow__ __rpow__ __ipow__ __matmul__ __rmatmul__ __neg__ __pos__
__abs__ __invert__ __and__ __rand__ __iand__ __or__ __ror__ __ior__ __xor__ __rxor__ __ixor__
__lshift__ __rlshift__ __ilshift__ __rshift__ __rrshift__ __irshift__ __eq__ __ne__ __lt__
__le__ __gt__ __ge__ __getitem__ __setitem__ __len__ __bool__ __index__ __int__ __float__
__complex__ __contains__ __iter__ __reversed__ __hash__ __format__ __repr__ __str__
""")
_DRAW_NOTHING_ATTRIBUTES = _words("""
shape dtype device ndim T mT H mH requires_grad is_cuda is_meta is_cpu is_sparse is_quantized
layout names data grad grad_fn is_leaf output_nr _version real imag itemsize nbytes
""")
_DRAW_NOTHING_FUNCTIONAL = _words("""
linear bilinear conv1d conv2d conv3d conv_transpose1d conv_transpose2d conv_transpose3d relu
relu_ relu6 leaky_relu leaky_relu_ gelu silu mish elu elu_ selu celu softplus softsign hardtanh
hardtanh_ hardswish hardsigmoid tanh sigmoid logsigmoid tanhshrink softshrink hardshrink
threshold threshold_ glu softmax log_softmax softmin layer_norm group_norm batch_norm
instance_norm rms_norm local_response_norm normalize embedding embedding_bag pad interpolate
max_pool1d max_pool2d max_pool3d _max_pool1d _max_pool2d _max_pool3d max_pool1d_with_indices
max_pool2d_with_indices max_pool3d_with_indices avg_pool1d avg_pool2d avg_pool3d
adaptive_max_pool1d adaptive_max_pool2d adaptive_max_pool3d _adaptive_max_pool1d
_adaptive_max_pool2d _adaptive_max_pool3d adaptive_max_pool1d_with_indices
adaptive_max_pool2d_with_indices adaptive_max_pool3d_with_indices adaptive_avg_pool1d
adaptive_avg_pool2d adaptive_avg_pool3d lp_pool1d lp_pool2d pixel_shuffle pixel_unshuffle
one_hot unfold fold cosine_similarity pairwise_distance cross_entropy nll_loss mse_loss
l1_loss smooth_l1_loss huber_loss binary_cross_entropy binary_cross_entropy_with_logits kl_div
""")


def _arg(args: Args, kwargs: Kwargs, index: int, name: str, default: Any) -> Any:
    if name in kwargs:
        return kwargs[name]
    return args[index] if len(args) > index else default


def _zero(value: Any) -> bool:
    return type(value) in (int, float) and value == 0


def _dropout_off(args: Args, kwargs: Kwargs) -> bool:  # F.dropout(input, p, training, inplace)
    return _arg(args, kwargs, 2, "training", True) is False or _zero(
        _arg(args, kwargs, 1, "p", 0.5)
    )


def _rrelu_off(args: Args, kwargs: Kwargs) -> bool:  # F.rrelu(input, lower, upper, training)
    return _arg(args, kwargs, 3, "training", False) is False


def _attention_dropout_off(args: Args, kwargs: Kwargs) -> bool:  # (q, k, v, mask, dropout_p)
    return _zero(_arg(args, kwargs, 4, "dropout_p", 0.0))


def _mha_dropout_off(args: Args, kwargs: Kwargs) -> bool:  # F.multi_head_attention_forward
    training = _arg(args, kwargs, 13, "training", True)
    return training is False or _zero(_arg(args, kwargs, 10, "dropout_p", None))


def _draw_nothing_table() -> dict[Any, Any]:
    """Function -> True (never draws) or a predicate on its arguments."""
    import inspect

    functional = nn.functional
    table: dict[Any, Any] = {}
    for name in _DRAW_NOTHING_NAMES:
        for owner in (torch, torch.Tensor, torch._C.TensorBase):
            func = inspect.getattr_static(owner, name, None)
            if func is not None and callable(func) and not isinstance(func, type):
                table[func] = True
    for name in _DRAW_NOTHING_FUNCTIONAL:
        for owner in (functional, torch, torch._C._nn):
            func = getattr(owner, name, None)
            if func is not None and callable(func) and not isinstance(func, type):
                table[func] = True
    for name in _DRAW_NOTHING_ATTRIBUTES:
        for owner in (torch.Tensor, torch._C.TensorBase):
            attribute = inspect.getattr_static(owner, name, None)
            getter = getattr(attribute, "__get__", None)
            if getter is not None and not callable(attribute):
                table[getter] = True
    for name in ("dropout", "dropout1d", "dropout2d", "dropout3d"):
        table[getattr(functional, name)] = _dropout_off
    table[functional.alpha_dropout] = _dropout_off
    table[functional.feature_alpha_dropout] = _dropout_off
    table[functional.rrelu] = _rrelu_off
    table[functional.scaled_dot_product_attention] = _attention_dropout_off
    table[functional.multi_head_attention_forward] = _mha_dropout_off
    return table


_DRAW_NOTHING = _draw_nothing_table()


def draws_nothing(func: Any, types: tuple[type, ...], args: Args, kwargs: Kwargs) -> bool:
    """True when this torch call certainly draws no random number.

    ``types`` are the argument types that override ``__torch_function__`` (as a
    TorchFunctionMode receives them): a tensor subclass may do anything in its own.
    """
    try:
        rule = _DRAW_NOTHING.get(func)
    except TypeError:  # an unhashable callable
        return False
    if rule is None:
        return False
    for kind in types:
        if kind is not torch.Tensor:
            return False
    return rule is True or bool(rule(args, kwargs))
