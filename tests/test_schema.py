"""Real records and widget state against lazyviz/schema.json, the one typed contract.

The TypeScript types are generated from the same file (js/src/generated/schema.ts,
checked for staleness by scripts/test.sh), and every object in the schema is closed
(``additionalProperties: false``): a field Python sends that the schema does not
declare, or a null where it says a value, fails here before the front end meets it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import anywidget
import pytest
import torch
from fixture_models import ResidualCat, eager_mismatch, mlp
from jsonschema import Draft202012Validator
from torch import nn

import lazyviz

ROOT = Path(__file__).parent.parent
SCHEMA = json.loads((ROOT / "lazyviz" / "schema.json").read_text())
GOLDEN = sorted((Path(__file__).parent / "golden").glob("*.json"))


def validator(definition: str) -> Draft202012Validator:
    return Draft202012Validator({"$defs": SCHEMA["$defs"], "$ref": f"#/$defs/{definition}"})


def check(definition: str, data: Any) -> None:
    errors = sorted(validator(definition).iter_errors(data), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:5])


def public_state(widget: anywidget.AnyWidget) -> dict[str, Any]:
    """The widget's synced traits of its own, as serialized for the front end."""
    base = set(anywidget.AnyWidget.class_trait_names(sync=True))
    names = [n for n in widget.trait_names(sync=True) if n not in base and not n.startswith("_")]
    return widget.get_state(names)


def test_the_schema_is_a_valid_json_schema() -> None:
    Draft202012Validator.check_schema(SCHEMA)


@pytest.mark.parametrize("path", GOLDEN, ids=[p.stem for p in GOLDEN])
def test_every_golden_record_is_a_trace(path: Path) -> None:
    check("Trace", json.loads(path.read_text()))


def test_records_of_runs_that_differ_are_traces() -> None:
    model = mlp()
    check("Trace", lazyviz.trace(model).to_dict())  # structure only: unknown dims are null
    lazyviz.trace(model, torch.zeros(2, 20), inplace=True)
    check("Trace", lazyviz.trace(model, torch.zeros(2, 20)).to_dict())  # nothing lazy left
    check("Trace", lazyviz.trace(model, torch.zeros(2, 30)).to_dict())  # sized by a batch before
    check("Trace", lazyviz.trace(eager_mismatch(), torch.zeros(2, 7)).to_dict())


def test_a_record_without_the_added_fields_is_still_a_trace() -> None:
    """A page saved before `family`, `infers`, `default_init`, `framework`, `compiled`,
    `label` and `hint` existed keeps its meaning: those fields are optional."""
    data = lazyviz.trace(ResidualCat(), torch.zeros(2, 5)).to_dict()
    del data["framework"], data["compiled"]
    for node in data["nodes"]:
        for key in ("family", "infers", "default_init", "label"):
            node.pop(key, None)
    check("Trace", data)
    assert lazyviz.Trace.from_dict(data).to_dict() == {**data, "compiled": False}


def test_an_undeclared_field_or_a_wrong_null_fails() -> None:
    data = lazyviz.trace(mlp(), torch.zeros(2, 20)).to_dict()
    data["nodes"][2]["colour"] = "blue"
    assert not validator("Trace").is_valid(data)
    data = lazyviz.trace(mlp(), torch.zeros(2, 20)).to_dict()
    data["nodes"][2]["calls"] = None
    assert not validator("Trace").is_valid(data)


def nan_init(tensor: torch.Tensor) -> None:
    tensor.fill_(float("nan"))


@pytest.mark.parametrize("grads", [True, False])
def test_an_inits_record_is_an_inits_record(grads: bool) -> None:
    model = nn.Sequential(nn.LazyLinear(8), nn.ReLU(), nn.LazyBatchNorm1d(), nn.LazyLinear(2))
    w = lazyviz.compare_inits(
        model, torch.rand(4, 5), inits=["default", "xavier_uniform", nan_init], grads=grads, seed=0
    )
    record = w.to_dict()
    check("InitsRecord", record)
    # The nullable fields really are null somewhere: an all-NaN parameter has no moments.
    nan = record["params"][0]["per_init"]["nan_init"]
    assert nan["mean"] is None and nan["std"] is None and nan["nonfinite"] == 8 * 5
    assert nan["expected_std"] is None and nan["theory"] is None
    check("InitsWidgetState", public_state(w))


def test_the_widget_state_is_the_schemas() -> None:
    w = lazyviz.LazyViz(mlp(), torch.zeros(2, 20))
    state = public_state(w)
    assert set(state) == set(SCHEMA["$defs"]["LazyVizState"]["properties"])
    check("LazyVizState", state)
    w.selected = "n1"  # Python fills that node's histograms
    state = public_state(w)
    assert state["histograms"]["n1"]["weight"]
    check("LazyVizState", state)


def test_the_inits_widget_state_is_the_schemas() -> None:
    w = lazyviz.compare_inits(mlp(), torch.zeros(2, 20), seed=0)
    state = public_state(w)
    assert set(state) == set(SCHEMA["$defs"]["InitsWidgetState"]["properties"])
    check("InitsWidgetState", state)
