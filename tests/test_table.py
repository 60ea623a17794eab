"""print(trace): a readable table for terminals and scripts."""

from __future__ import annotations

import torch
from fixture_models import Residual, mlp
from torch import nn

import lazyviz


def test_structure_table_shows_unknown_dims_as_question_marks() -> None:
    text = str(lazyviz.trace(mlp()))
    lines = text.splitlines()
    assert lines[0].startswith("Sequential  in no input")
    # the biases' (256) and (10) are known before the run; the weights are not
    assert lines[0].endswith("params 266 known + ? pending (2 tensors)")
    row = next(line for line in lines if line.startswith("0 "))
    assert "LazyLinear" in row and "weight (256, ?); bias (256)" in row


def test_run_table_shows_before_and_after_and_outputs() -> None:
    text = str(lazyviz.trace(mlp(), torch.rand(2, 20)))
    assert text.splitlines()[0] == "Sequential  in (2, 20)  out (2, 10)  params 7,946 known"
    row = next(line for line in text.splitlines() if line.startswith("0 "))
    assert "weight (256, ?) -> (256, 20); bias (256)" in row
    assert row.rstrip().endswith("(2, 256)")


def test_ops_and_nesting_appear() -> None:
    model = nn.Sequential(Residual())
    text = str(lazyviz.trace(model, torch.rand(2, 5)))
    assert "  0.f " in text  # indented under its container
    assert "0/add#0" in text


def test_repr_is_short() -> None:
    t = lazyviz.trace(mlp(), torch.rand(2, 20))
    assert repr(t) == "<lazyviz.Trace of Sequential: 6 nodes, 12 events>"


def test_tied_weights_are_counted_once() -> None:
    a, b = nn.Linear(8, 8), nn.Linear(8, 8)
    b.weight = a.weight
    text = str(lazyviz.trace(nn.Sequential(a, nn.Tanh(), b), torch.rand(2, 8)))
    assert "params 80 known" in text.splitlines()[0]  # 64 shared + 8 + 8 biases
