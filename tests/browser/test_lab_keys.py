"""Keyboard-only in a real JupyterLab: the widget's keys stay with the widget.

With focus on the widget, the arrows move the animation and the notebook's
command-mode shortcuts (ArrowUp/ArrowDown select another cell) do not fire:
the root carries ``data-lm-suppress-shortcuts``. Same server recipe as
test_lab_widget.py (its fixture, a server of this module's own).
"""

from __future__ import annotations

import pytest
from jupyter_ui import keys_stay_with_the_widget
from playwright.sync_api import Browser
from test_lab_widget import _open_and_run_first_cell, lab  # noqa: F401  (lab: the server fixture)

pytestmark = pytest.mark.lab


def test_lab_arrows_step_the_focused_widget_not_the_notebook(lab: str, chromium: Browser) -> None:  # noqa: F811
    context = chromium.new_context(viewport={"width": 1400, "height": 1000})
    try:
        page = context.new_page()
        _open_and_run_first_cell(page, lab)
        page.wait_for_selector(
            ".jp-OutputArea .lazyviz[data-steps]", state="attached", timeout=90_000
        )
        root = page.locator(".jp-OutputArea .lazyviz").first
        page.keyboard.press("Escape")  # command mode: where the notebook's arrow shortcuts live
        root.locator(".lv-counter").click()  # a click on the widget, not on a control
        root.focus()
        keys_stay_with_the_widget(page, root, ".jp-OutputArea .lazyviz")
    finally:
        context.close()
