"""Shared pytest options. Browser fixtures live in tests/browser/conftest.py."""

from __future__ import annotations

import os

import pytest

# Keras 3 picks its backend at its first import, once per process: whichever test module
# imports keras first, it must find the torch backend (tests/test_keras.py).
os.environ["KERAS_BACKEND"] = "torch"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--regen-golden",
        action="store_true",
        default=False,
        help="rewrite tests/golden/*.json from the current trace engine instead of comparing",
    )


@pytest.fixture
def regen_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--regen-golden"))
