"""Golden trace records of fixture models.

A change in what the trace engine records shows up here as a diff of the
JSON. After checking the diff is intended, rewrite the files with::

    python -m pytest tests/test_golden.py --regen-golden

The JS tests read these same files (js/test/load.ts), so the front end is
tested on what the trace engine really records, and a stale one fails here.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
import torch
from fixture_models import (
    AllLazy,
    Concat,
    CustomLazy,
    DictIO,
    Residual,
    ResidualCat,
    SharedTwice,
    TinyResNet,
    all_lazy_inputs,
    eager_mismatch,
    hostile,
    mlp,
    mlp_stack,
    resnetish,
)
from torch import nn

import lazyviz

GOLDEN = Path(__file__).parent / "golden"


def failing_mlp() -> lazyviz.Trace:
    model = mlp()
    lazyviz.trace(model, torch.zeros(2, 20), inplace=True)
    return lazyviz.trace(model, torch.zeros(2, 30))


def mlp_with_deferred_init() -> lazyviz.Trace:
    model = mlp()
    lazyviz.defer_init(model, "xavier_uniform")
    return lazyviz.trace(model, torch.zeros(2, 20))


def keras_mlp() -> lazyviz.Trace:
    """The chapter's net in Keras 3: the front end draws it from the same record."""
    keras = pytest.importorskip("keras")
    layers = keras.layers
    model = keras.Sequential(
        [layers.Dense(256, activation="relu", name="dense"), layers.Dense(10, name="dense_1")]
    )
    return lazyviz.trace(model, torch.zeros(2, 20))


CASES: dict[str, Callable[[], lazyviz.Trace]] = {
    "mlp_structure": lambda: lazyviz.trace(mlp()),
    "mlp": lambda: lazyviz.trace(mlp(), torch.zeros(2, 20)),
    "mlp_changed_input": failing_mlp,
    "residual": lambda: lazyviz.trace(Residual(), torch.zeros(2, 5)),
    "concat": lambda: lazyviz.trace(Concat(), torch.zeros(1, 3, 8, 8)),
    "tiny_resnet": lambda: lazyviz.trace(TinyResNet(), torch.zeros(2, 3, 8, 8)),
    "shared": lambda: lazyviz.trace(SharedTwice(), torch.zeros(2, 4)),
    "dict_io": lambda: lazyviz.trace(
        DictIO(),
        {"image": torch.zeros(2, 3), "text": [torch.zeros(2, 4)]},
        torch.zeros(1),
        extra=torch.zeros(2),
    ),
    "custom_lazy": lambda: lazyviz.trace(
        nn.Sequential(CustomLazy(7), nn.ReLU()), torch.zeros(2, 3)
    ),
    "all_lazy": lambda: lazyviz.trace(AllLazy(), *all_lazy_inputs()),
    # read by the JS tests too
    "mlp_init": mlp_with_deferred_init,
    "residual_cat": lambda: lazyviz.trace(ResidualCat(), torch.zeros(2, 5)),
    "eager_mismatch": lambda: lazyviz.trace(eager_mismatch(), torch.zeros(2, 7)),
    "resnetish": lambda: lazyviz.trace(resnetish(), torch.zeros(1, 3, 8, 8)),
    "mlp100": lambda: lazyviz.trace(mlp_stack(50), torch.zeros(2, 20)),
    "hostile": lambda: lazyviz.trace(hostile(), torch.zeros(2, 3)),
    "keras_mlp": keras_mlp,
}


@pytest.mark.parametrize("name", CASES)
def test_trace_matches_golden_file(name: str, regen_golden: bool) -> None:
    record = CASES[name]().to_dict()
    path = GOLDEN / f"{name}.json"
    if regen_golden:
        path.write_text(json.dumps(record, indent=1) + "\n")
        pytest.skip(f"rewrote {path.name}")
    assert path.exists(), f"no golden file {path.name}: run pytest --regen-golden"
    assert record == json.loads(path.read_text())


def test_a_golden_record_round_trips_through_trace_from_dict() -> None:
    data = json.loads((GOLDEN / "tiny_resnet.json").read_text())
    assert lazyviz.Trace.from_dict(data).to_dict() == data
