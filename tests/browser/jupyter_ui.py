"""What the JupyterLab and Notebook 7 browser tests do alike (both are built on Lab's pieces).

Colours as the page computes them and WCAG contrast; the active cell; the
keyboard-only check that a focused widget keeps its keys from command mode;
the theme switch through Settings > Theme.
"""

from __future__ import annotations

import re

from playwright.sync_api import Locator, Page

RGB = tuple[float, float, float]

ACTIVE_CELL = (
    "() => [...document.querySelectorAll('.jp-NotebookPanel .jp-Cell')]"
    ".findIndex(c => c.classList.contains('jp-mod-active'))"
)


def rgb(text: str) -> RGB:
    """``#rrggbb`` or a computed ``rgb()``/``rgba()`` colour as three 0-255 channels."""
    if text.startswith("#"):
        h = text[1:]
        return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)
    nums = [float(x) for x in re.findall(r"[\d.]+", text)[:3]]
    return nums[0], nums[1], nums[2]


def lum(c: RGB) -> float:
    lin = [v / 255 / 12.92 if v / 255 <= 0.03928 else ((v / 255 + 0.055) / 1.055) ** 2.4 for v in c]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: RGB, b: RGB) -> float:
    x, y = sorted([lum(a), lum(b)], reverse=True)
    return (x + 0.05) / (y + 0.05)


def keys_stay_with_the_widget(page: Page, root: Locator, selector: str) -> None:
    """With the widget focused in command mode: arrows, End and Home step it, the notebook's
    own shortcuts (ArrowUp/ArrowDown, j/k) do not move the active cell, Space plays."""
    before = page.evaluate(ACTIVE_CELL)
    assert before >= 0
    assert page.evaluate("() => document.activeElement.classList.contains('lazyviz')")
    page.keyboard.press("ArrowRight")
    page.wait_for_function(f"() => document.querySelector('{selector}').dataset.step !== '0'")
    page.keyboard.press("End")
    assert root.get_attribute("data-step") == root.get_attribute("data-steps")
    page.keyboard.press("Home")
    assert root.get_attribute("data-step") == "0"
    for key in ("ArrowDown", "ArrowDown", "ArrowUp", "ArrowDown", "j", "k"):
        page.keyboard.press(key)
    assert page.evaluate(ACTIVE_CELL) == before, "the notebook took the widget's keys"
    assert page.evaluate("() => document.activeElement.classList.contains('lazyviz')")
    page.keyboard.press("Space")  # plays, from the keyboard alone
    page.wait_for_function(
        f"() => {{ const r = document.querySelector('{selector}');"
        " return r.dataset.playing === 'true' || r.dataset.step === r.dataset.steps; }",
        timeout=10_000,
    )
    assert page.evaluate(ACTIVE_CELL) == before


def dark_theme_reaches_the_widget(page: Page, selector: str) -> None:
    """Settings > Theme > JupyterLab Dark; every view of the widget turns dark and its text
    (primary and secondary) keeps a contrast of at least 4.5 against its background."""
    page.locator(".lm-MenuBar-itemLabel", has_text="Settings").click()
    page.locator(".lm-Menu-itemLabel", has_text="Theme").first.hover()
    page.locator(".lm-Menu-itemLabel").get_by_text("JupyterLab Dark", exact=True).click()
    page.wait_for_selector('body[data-jp-theme-light="false"]', state="attached", timeout=30_000)
    # every widget view in the notebook follows, within seconds of the stylesheet landing
    page.wait_for_function(
        f"() => {{ const all = [...document.querySelectorAll('{selector}')];"
        " return all.length > 0 && all.every(r => r.dataset.lvTheme === 'dark'); }",
        timeout=10_000,
    )
    colours = page.evaluate(
        f"() => {{ const r = document.querySelector('{selector}');"
        " const cs = getComputedStyle(r);"
        " return [cs.backgroundColor, cs.color, cs.getPropertyValue('--lv-fg-2').trim()]; }"
    )
    bg, fg, fg2 = (rgb(c) for c in colours)
    assert lum(bg) < 0.1, colours
    assert contrast(fg, bg) >= 4.5, colours
    assert contrast(fg2, bg) >= 4.5, colours
