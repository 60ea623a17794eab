"""Binning: exact counts, edges, point masses, non-finite values."""

from __future__ import annotations

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from lazyviz.inits.histograms import bin_count, histogram, summary


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.floats(-1e6, 1e6, allow_nan=False, width=32), min_size=1, max_size=400),
    st.integers(1, 80) | st.none(),
)
def test_counts_sum_to_numel_and_edges_cover(values: list[float], bins: int | None) -> None:
    t = torch.tensor(values)
    h = histogram(t, bins)
    assert len(h["edges"]) == len(h["counts"]) + 1
    assert sum(h["counts"]) == t.numel()
    assert all(c >= 0 for c in h["counts"])
    assert h["edges"][0] <= float(t.min()) and h["edges"][-1] >= float(t.max())
    assert all(b > a for a, b in zip(h["edges"], h["edges"][1:], strict=False))


def test_counts_match_numpy_histogram() -> None:
    torch.manual_seed(0)
    t = torch.randn(10_000, dtype=torch.float64)
    h = histogram(t, 40)
    import numpy as np

    counts, _ = np.histogram(t.numpy(), bins=np.array(h["edges"]))
    assert abs(counts - np.array(h["counts"])).sum() <= 2  # only float ties at an edge may move


def test_point_mass_is_one_bin() -> None:
    h = histogram(torch.full((5, 5), 0.5))
    assert h["counts"] == [25] and h["std"] == 0.0 and h["mean"] == 0.5
    assert h["edges"][0] < 0.5 < h["edges"][1]


def test_nonfinite_values_are_counted_apart() -> None:
    h = histogram(torch.tensor([1.0, float("inf"), 2.0, float("nan")]))
    assert sum(h["counts"]) == 2 and h["nonfinite"] == 2


def test_bin_count_and_summary() -> None:
    assert bin_count(1) == 5 and bin_count(10**9) == 80
    s = summary(torch.tensor([0.0, 0.0, 1.0, 3.0]))
    assert s == {"mean": 1.0, "std": s["std"], "zero_frac": 0.5}
    assert s["std"] is not None and abs(s["std"] - 1.224744871391589) < 1e-6
    assert summary(torch.tensor([float("inf"), 1.0]))["mean"] is None


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.floats(-1e3, 1e3, allow_nan=False, width=32), min_size=1, max_size=600),
    st.floats(-1e3, 1e3, allow_nan=False, width=32),
)
def test_moments_match_float64_reference(values: list[float], offset: float) -> None:
    from lazyviz.inits.histograms import moments

    t = torch.tensor(values) + offset  # an offset far from the spread: cancellation
    ref = t.double()
    std, mean = torch.std_mean(ref, correction=0)
    got = moments(t)
    scale = float(ref.abs().max()) + 1e-30
    assert abs(got["mean"] - float(mean)) <= 1e-12 * scale
    assert abs(got["std"] - float(std)) <= 1e-6 * scale
    assert abs(got["norm"] - float(ref.norm())) <= 1e-12 * float(ref.norm()) + 1e-30


def test_moments_edge_cases() -> None:
    from lazyviz.inits.histograms import CHUNK, moments

    assert moments(torch.full((300,), 4.0)) == {"mean": 4.0, "std": 0.0, "norm": 4.0 * 300**0.5}
    assert moments(torch.empty(0)) == {"mean": None, "std": None, "norm": None}
    assert moments(torch.tensor([1.0, float("inf")]))["std"] is None
    half = moments(torch.tensor([1.0, 3.0], dtype=torch.float16))
    assert half == {"mean": 2.0, "std": 1.0, "norm": 10**0.5}
    # several chunks: the same answer as one float64 pass
    torch.manual_seed(0)
    big = torch.randn(3 * CHUNK + 17) * 0.01 + 0.002
    std, mean = torch.std_mean(big.double(), correction=0)
    got = moments(big)
    assert got["mean"] == pytest.approx(float(mean), rel=1e-12)
    assert got["std"] == pytest.approx(float(std), rel=1e-12)
