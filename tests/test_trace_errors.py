"""Failures inside the model are recorded on the node that failed; bad arguments raise."""

from __future__ import annotations

import contextlib

import pytest
import torch
from fixture_models import mlp
from torch import nn

import lazyviz


def pytorch_message(model: nn.Module, *args: torch.Tensor) -> tuple[str, str]:
    """What PyTorch itself raises for this call."""
    try:
        model(*args)
    except Exception as exc:
        return type(exc).__name__, str(exc)
    raise AssertionError("the model did not fail")


def test_mismatched_dims_fail_on_the_innermost_module() -> None:
    model = nn.Sequential(nn.Linear(20, 8), nn.Sequential(nn.ReLU(), nn.Linear(5, 3)))
    t = lazyviz.trace(model, torch.rand(2, 20))
    assert t.error is not None
    kind, message = pytorch_message(model, torch.rand(2, 20))
    hint = "Layer 1.1 expects 5 input features but got 8: use nn.Linear(8, 3)"
    assert t.error is not None and t.error["hint"].startswith(hint)
    assert t.error == {
        "node": "n4",
        "path": "1.1",
        "type": kind,
        "message": message,
        "hint": t.error["hint"],
    }
    d = t.to_dict()
    assert d["error"] == t.error
    last = d["events"][-1]
    assert last["kind"] == "error" and last["node"] == "n4" and last["message"] == message
    nodes = {n["path"]: n for n in d["nodes"]}
    assert nodes["1.1"]["error"] == {"type": kind, "message": message, "hint": t.error["hint"]}
    assert nodes["1"]["error"] is None and nodes[""]["error"] is None
    exits = {e["node"] for e in d["events"] if e["kind"] == "exit"}
    assert exits == {nodes["0"]["id"], nodes["1.0"]["id"]}  # everything before it finished


def test_changed_input_size_after_inplace_materialization() -> None:
    model = mlp()
    first = lazyviz.trace(model, torch.rand(2, 20), inplace=True)
    assert first.error is None and model[0].weight.shape == (256, 20)
    t = lazyviz.trace(model, torch.rand(2, 30))
    assert t.error is not None
    assert t.error["path"] == "0" and t.error["type"] == "RuntimeError"
    assert t.error["message"] == pytorch_message(model, torch.rand(2, 30))[1]
    kinds = [e["kind"] for e in t.to_dict()["events"]]
    assert kinds == ["enter", "enter", "error"]
    # the layers the batch never reached keep their known order for drawing
    assert t.to_dict()["edges"] == [
        {"src": "in0", "dst": "n1"},
        {"src": "n1", "dst": "n2"},
        {"src": "n2", "dst": "n3"},
    ]


def test_failure_in_an_operation_is_put_on_its_module() -> None:
    class Bad(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.a = nn.LazyLinear(3)
            self.b = nn.LazyLinear(4)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return torch.cat([self.a(x), self.b(x)], dim=0)

    t = lazyviz.trace(nn.Sequential(Bad()), torch.rand(2, 5))
    assert t.error is not None and t.error["path"] == "0"
    assert "Sizes of tensors must match" in t.error["message"]
    materialized = [e["param"] for e in t.to_dict()["events"] if e["kind"] == "materialize"]
    assert materialized == ["weight", "bias", "weight", "bias"]  # kept up to the failure


def test_lazy_module_failing_while_it_materializes() -> None:
    t = lazyviz.trace(nn.Sequential(nn.LazyConv2d(4, 3)), torch.rand(2, 5))
    assert t.error is not None and t.error["path"] == "0"


def test_exception_caught_inside_the_model_is_not_a_failure() -> None:
    class Careful(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.risky = nn.Linear(3, 3)
            self.safe = nn.LazyLinear(2)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            with contextlib.suppress(RuntimeError):
                x = self.risky(x)
            return self.safe(x)

    t = lazyviz.trace(Careful(), torch.rand(2, 5))
    assert t.error is None
    nodes = {n.path: n for n in t.nodes.values()}
    assert nodes["risky"].error is not None  # it did raise, and the graph says so
    assert nodes["safe"].params[0].shape == [2, 5]


def test_trace_never_raises_for_the_model_and_keeps_events() -> None:
    class Boom(nn.Module):
        def forward(self, x: torch.Tensor) -> torch.Tensor:
            raise ValueError("custom failure <b>bold</b>")

    t = lazyviz.trace(nn.Sequential(nn.LazyLinear(3), Boom()), torch.rand(1, 2))
    assert t.error == {
        "node": "n2",
        "path": "1",
        "type": "ValueError",
        "message": "custom failure <b>bold</b>",
        "hint": None,
    }
    assert [e["kind"] for e in t.to_dict()["events"]][:5] == [
        "enter",
        "enter",
        "materialize",
        "materialize",
        "exit",
    ]


@pytest.mark.parametrize("bad", [None, "model", 3, [nn.Linear(2, 2)]])
def test_model_that_is_not_a_module_is_a_type_error(bad: object) -> None:
    with pytest.raises(TypeError, match=r"torch\.nn\.Module"):
        lazyviz.trace(bad)  # type: ignore[arg-type]


class TakesFlags(nn.Module):
    """Takes non-tensor arguments as Hugging Face models do (use_cache=False, a cache object)."""

    def __init__(self) -> None:
        super().__init__()
        self.fc = nn.LazyLinear(3)
        self.seen: list[object] = []

    def forward(self, x, scale=1.0, mask=None, use_cache=True, cache=None, name="x"):  # type: ignore[no-untyped-def]
        self.seen = [scale, mask, use_cache, cache, name]
        y = self.fc(x) * scale
        return (y, cache) if use_cache else y


def test_values_that_are_not_tensors_pass_through_and_are_not_inputs() -> None:
    cache = object()
    model = TakesFlags()
    t = lazyviz.trace(model, torch.rand(2, 5), 2.0, use_cache=False, cache=cache, name="n")
    assert t.error is None, t.error
    record = t.to_dict()
    assert [n["id"] for n in record["nodes"] if n["kind"] == "input"] == ["in0"]
    assert record["inputs"] == [{"shape": [2, 5], "dtype": "float32"}]
    assert record["outputs"] == [{"shape": [2, 3], "dtype": "float32"}]
    assert isinstance(model.fc.weight, nn.parameter.UninitializedParameter), "a private copy ran"


def test_a_non_tensor_the_model_cannot_use_fails_inside_the_model_not_in_lazyviz() -> None:
    model = mlp()
    t = lazyviz.trace(model, "text")
    assert t.error is not None and t.error["path"] == "0"
    assert isinstance(model[0].weight, nn.parameter.UninitializedParameter)


def test_errors_print_in_the_table() -> None:
    model = mlp()
    lazyviz.trace(model, torch.rand(2, 20), inplace=True)
    text = str(lazyviz.trace(model, torch.rand(2, 7)))
    assert "ERROR RuntimeError" in text
    assert "error in 0: RuntimeError: mat1 and mat2 shapes cannot be multiplied" in text


def test_an_interrupt_reaches_the_user_and_leaves_nothing_behind() -> None:
    class Interrupted(nn.Module):
        def forward(self, x: torch.Tensor) -> torch.Tensor:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        lazyviz.trace(nn.Sequential(nn.LazyLinear(3), Interrupted()), torch.rand(1, 2))
    assert not torch.overrides._get_current_function_mode_stack()
    hooks = nn.modules.module._global_forward_hooks, nn.modules.module._global_forward_pre_hooks
    assert all(len(h) == 0 for h in hooks)
