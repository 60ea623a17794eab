"""A view that fits a model of any size: Fit, following the step, early clicks, 8x, search, depth.

Offline pages in headless Chromium, driven as a reader or the kernel would:
buttons, keys, and ``window.lazyvizModel.set(...)`` (what ``w.step = n`` does).
Geometry is read from the page: a node is "in view" when its drawn box lies
inside the canvas's visible rectangle.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import torch
from torch import nn

import lazyviz
from lazyviz.cli import main as cli_main
from lazyviz.models import DEMOS, demo

CHAIN = 150  # distinct layers in a chain: too tall to open whole at a legible scale

# Boxes of drawn nodes (data-path) outside the canvas's visible rect, and how many there are.
OUTSIDE = """() => {
  const root = document.querySelector('.lazyviz');
  const c = root.querySelector('svg.lv-svg').getBoundingClientRect();
  const boxes = [...root.querySelectorAll('.lv-node[data-path]')]
    .filter(e => e.getAttribute('display') !== 'none')
    .map(e => [e.getAttribute('data-path'), e.getBoundingClientRect()]);
  const out = boxes.filter(([, b]) => b.left < c.left - 1 || b.top < c.top - 1
                                   || b.right > c.right + 1 || b.bottom > c.bottom + 1);
  return {drawn: boxes.length, outside: out.map(([p]) => p)};
}"""

IN_VIEW = """(path) => {
  const root = document.querySelector('.lazyviz');
  const c = root.querySelector('svg.lv-svg').getBoundingClientRect();
  const el = root.querySelector(`.lv-node[data-path="${CSS.escape(path)}"]`);
  if (!el || el.getAttribute('display') === 'none') return false;
  const b = el.getBoundingClientRect();
  return b.width > 0 && b.left >= c.left - 1 && b.top >= c.top - 1
         && b.right <= c.right + 1 && b.bottom <= c.bottom + 1;
}"""

TRANSFORM = "() => document.querySelector('.lazyviz .lv-viewport').getAttribute('transform')"


class _Block(nn.Module):
    def __init__(self, channels: int) -> None:
        super().__init__()
        self.conv1 = nn.LazyConv2d(channels, 3, padding=1)
        self.relu = nn.ReLU()
        self.conv2 = nn.LazyConv2d(channels, 3, padding=1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.relu(x + self.conv2(self.relu(self.conv1(x))))


class _TorchvisionNamed(nn.Module):
    """ResNet-like with torchvision's names (`layer3.2.conv1`), large enough to start collapsed."""

    def __init__(self) -> None:
        super().__init__()
        self.stem = nn.LazyConv2d(8, 3, padding=1)
        self.layer1 = nn.Sequential(*[_Block(8) for _ in range(3)])
        self.layer2 = nn.Sequential(*[_Block(8) for _ in range(3)])
        self.layer3 = nn.Sequential(*[_Block(8) for _ in range(3)])
        self.layer4 = nn.Sequential(*[_Block(8) for _ in range(3)])
        self.head = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.LazyLinear(10))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.stem(x)
        for layer in (self.layer1, self.layer2, self.layer3, self.layer4):
            x = layer(x)
        return self.head(x)


def _chain() -> nn.Module:
    return nn.Sequential(*[nn.LazyLinear(8 + i % 5) for i in range(CHAIN)])


def _enter_step(record: dict[str, Any], path: str) -> int:
    """The step (1-based) at which the batch enters the node at ``path``."""
    node = next(n["id"] for n in record["nodes"] if n["path"] == path)
    return next(
        i + 1 for i, e in enumerate(record["events"]) if e["kind"] == "enter" and e["node"] == node
    )


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, dict[str, Any]]]:
    out = tmp_path_factory.mktemp("fits")
    made: dict[str, tuple[Path, dict[str, Any]]] = {}

    def add(name: str, w: lazyviz.LazyViz) -> None:
        made[name] = (w.to_html(out / f"{name}.html"), w.to_dict())

    for name in DEMOS:  # the pages `lazyviz demo` writes
        assert cli_main(["demo", "--model", name, "--out", str(out / f"{name}.html")]) == 0
        made[name] = (out / f"{name}.html", lazyviz.LazyViz(*demo(name)).to_dict())
    add("named", lazyviz.LazyViz(_TorchvisionNamed(), torch.rand(1, 3, 8, 8)))
    add("chain", lazyviz.LazyViz(_chain(), torch.rand(2, 4)))
    at_end = lazyviz.LazyViz(_chain(), torch.rand(2, 4))
    at_end.step = at_end.steps
    add("chain_at_end", at_end)
    model, batch = demo("resnet")
    add("depth0", lazyviz.LazyViz(model, batch, depth=0))
    return made


def _settled(view: Any) -> None:
    """Waits for ELK's layout (when one is coming) and for the view to stop moving."""
    page = view.page
    page.wait_for_function(
        "() => !document.querySelector('.lazyviz .lv-content[data-layout=\"quick\"]')",
        timeout=20_000,
    )
    last = None
    for _ in range(40):
        now = page.evaluate(TRANSFORM)
        if now == last:
            return
        last = now
        page.wait_for_timeout(120)


@pytest.mark.parametrize("name", list(DEMOS))
def test_fit_shows_every_node_of_every_demo(pages, open_offline, name: str) -> None:
    path, record = pages[name]
    view = open_offline(path)
    _settled(view)
    # The demo page fills the window (1200 x 800 here), not a fixed 640 px.
    height = view.page.evaluate("document.querySelector('.lazyviz').getBoundingClientRect().height")
    assert height > 750, height
    opened = view.page.evaluate(OUTSIDE)
    assert opened["outside"] == [], f"{name} opens with boxes cut off: {opened}"
    # Zoom in until the graph is cut, then Fit brings all of it back.
    zoom_in = view.page.locator('.lazyviz button[title^="Zoom in"]')
    for _ in range(5):
        zoom_in.click()
    view.page.locator('.lazyviz button[title^="Fit"]').click()
    _settled(view)
    fitted = view.page.evaluate(OUTSIDE)
    assert fitted["drawn"] >= min(6, len(record["nodes"]))
    assert fitted["outside"] == [], f"{name} after Fit: {fitted}"
    view.log.assert_clean()


def test_a_deep_graph_gets_an_overview_map_that_pans(pages, open_offline) -> None:
    path, _ = pages["chain"]
    view = open_offline(path)
    _settled(view)
    page = view.page
    minimap = page.locator(".lazyviz .lv-minimap")
    assert minimap.is_visible(), "a graph taller than the canvas shows its overview"
    assert page.evaluate(IN_VIEW, "0") and not page.evaluate(IN_VIEW, str(CHAIN - 1))
    box = minimap.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] - 3)
    page.wait_for_function(IN_VIEW, arg=str(CHAIN - 1), timeout=5_000)
    # Fit: the whole chain, however small, and the map has nothing left to show.
    page.locator('.lazyviz button[title^="Fit"]').click()
    _settled(view)
    assert page.evaluate(OUTSIDE)["outside"] == []
    assert not minimap.is_visible()
    view.log.assert_clean()


def test_step_set_from_python_brings_its_node_into_view(pages, open_offline) -> None:
    path, record = pages["chain"]
    view = open_offline(path)
    _settled(view)
    page = view.page
    last = str(CHAIN - 1)
    assert not page.evaluate(IN_VIEW, last)
    # The end is the root's exit: the view shows the last layer entered.
    view.set("step", len(record["events"]))
    page.wait_for_function(IN_VIEW, arg=last, timeout=5_000)
    k = _enter_step(record, "3")
    view.set("step", k)
    page.wait_for_function(IN_VIEW, arg="3", timeout=5_000)
    assert view.step() == k
    view.log.assert_clean()


def test_a_page_opened_at_a_step_shows_its_node(pages, open_offline) -> None:
    path, _ = pages["chain_at_end"]
    view = open_offline(path)
    _settled(view)
    assert view.step() == view.steps()
    assert view.page.evaluate(IN_VIEW, str(CHAIN - 1))
    view.log.assert_clean()


def test_following_yields_to_a_manual_pan_until_the_next_seek(pages, open_offline) -> None:
    path, record = pages["chain"]
    view = open_offline(path)
    _settled(view)
    page = view.page
    view.set("speed", 2.0)
    view.set("playing", True)
    page.wait_for_function("() => +document.querySelector('.lazyviz').dataset.step >= 2")
    # The reader drags the picture during playback: the view stops following.
    box = page.locator(".lazyviz svg.lv-svg").bounding_box()
    assert box is not None
    x, y = box["x"] + box["width"] * 0.3, box["y"] + box["height"] * 0.5
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 40, y + 60, steps=5)
    page.mouse.up()
    dragged = page.evaluate(TRANSFORM)
    start = view.step()
    page.wait_for_function(f"() => +document.querySelector('.lazyviz').dataset.step >= {start + 3}")
    assert page.evaluate(TRANSFORM) == dragged, "playback moved the view the reader had moved"
    # An explicit seek (End) follows again.
    page.locator('.lazyviz button[title^="Jump to end"]').click()
    page.wait_for_function(IN_VIEW, arg=str(CHAIN - 1), timeout=5_000)
    assert view.step() == len(record["events"])
    view.log.assert_clean()


# Clicks "jump to end" the moment the widget asks for its runs (inside render, before the first
# drawing): a click that arrives before the widget is ready must wait for it, not vanish.
EARLY_CLICK = """
(() => {
  let model;
  Object.defineProperty(window, "lazyvizModel", {
    configurable: true,
    get: () => model,
    set(m) {
      model = m;
      const get = m.get;
      let clicked = false;
      m.get = (name) => {
        if (name === "runs" && !clicked) {
          const b = document.querySelector('.lazyviz button[title^="Jump to end"]');
          if (b) {
            clicked = true;
            const t0 = performance.getEntriesByName("lazyviz:render")[0];
            window.__earlyClick = performance.now() - (t0 ? t0.startTime : 0);
            b.click();
          }
        }
        return get(name);
      };
    },
  });
})();
"""


def test_jump_to_end_clicked_before_the_first_drawing_is_honoured(pages, open_offline) -> None:
    path, record = pages["resnet"]
    page = open_offline(path, init_script=EARLY_CLICK, wait_for_widget=False).page
    early = page.evaluate("window.__earlyClick")
    assert early is not None and early < 100, early
    steps = len(record["events"])
    page.wait_for_function(
        f"() => document.querySelector('.lazyviz').dataset.step === '{steps}'", timeout=5_000
    )
    assert page.evaluate("window.lazyvizModel.get('step')") == steps


def test_jump_to_end_clicked_as_soon_as_it_shows(pages, open_offline) -> None:
    path, record = pages["transformer"]
    view = open_offline(path, wait_until="commit", lazyviz_page=False, wait_for_widget=False)
    page = view.page
    page.locator('.lazyviz button[title^="Jump to end"]').click()
    page.wait_for_selector("html[data-lazyviz-ready]", state="attached")
    page.wait_for_timeout(800)  # ELK's layout arrives and is swapped in: the step must stay
    root = page.locator(".lazyviz")
    assert root.get_attribute("data-step") == str(len(record["events"]))


def test_speed_menu_goes_to_8x_and_shows_any_speed(pages, open_offline) -> None:
    path, _ = pages["mlp"]
    view = open_offline(path)
    page = view.page
    shown = (
        "() => { const s = document.querySelector('.lazyviz .lv-speed select');"
        " return s.options[s.selectedIndex].textContent; }"
    )
    view.set("speed", 8.0)
    assert page.evaluate(shown) == "8x"
    view.set("speed", 3.0)
    assert page.evaluate(shown) == "3x"
    view.set("speed", 0.5)
    assert page.evaluate(shown) == "0.5x"
    page.locator(".lazyviz .lv-speed select").select_option("8")
    assert page.evaluate("window.lazyvizModel.get('speed')") == 8
    view.log.assert_clean()


def test_search_reveals_a_node_inside_collapsed_groups(pages, open_offline) -> None:
    path, record = pages["named"]
    view = open_offline(path)
    _settled(view)
    page = view.page
    target = "layer3.2.conv1"
    assert page.locator(f'.lazyviz .lv-node[data-path="{target}"]').count() == 0, (
        "starts folded away"
    )
    # Keyboard only: "/" on the widget focuses the search box.
    page.locator(".lazyviz").focus()
    page.keyboard.press("/")
    page.keyboard.type(target)
    page.wait_for_selector(".lazyviz .lv-find-list li[data-id]")
    first = page.locator(".lazyviz .lv-find-list li[data-id]").first.text_content() or ""
    assert first.startswith(target), first
    page.keyboard.press("Enter")
    node = page.locator(f'.lazyviz .lv-node[data-path="{target}"]')
    node.wait_for(state="attached")
    page.wait_for_function(IN_VIEW, arg=target, timeout=5_000)
    assert "lv-selected" in (node.get_attribute("class") or "")
    want = next(n["id"] for n in record["nodes"] if n["path"] == target)
    assert page.evaluate("window.lazyvizModel.get('selected')") == want
    view.log.assert_clean()


def test_search_by_type_lists_matches_and_a_click_picks_one(pages, open_offline) -> None:
    path, _ = pages["resnet"]
    view = open_offline(path)
    page = view.page
    page.locator(".lazyviz .lv-find-input").fill("batchnorm")
    items = page.locator(".lazyviz .lv-find-list li[data-id]")
    items.first.wait_for()
    assert items.count() >= 3
    label = items.nth(1).text_content() or ""
    items.nth(1).click()
    chosen = label.split(" · ")[0]
    page.wait_for_function(IN_VIEW, arg=chosen, timeout=5_000)
    assert page.locator(".lazyviz .lv-find-list").is_hidden()
    view.log.assert_clean()


def test_depth_0_collapses_every_container_below_the_root(pages, open_offline) -> None:
    path, _ = pages["depth0"]
    view = open_offline(path)
    drawn = view.page.evaluate(
        "() => [...document.querySelectorAll('.lazyviz .lv-node[data-path]')]"
        ".map(e => e.getAttribute('data-path'))"
    )
    assert {"0", "1", "2", "3", "6"} <= set(drawn)
    assert not [p for p in drawn if "." in p], sorted(drawn)
    collapsed = view.page.evaluate(
        "() => [...document.querySelectorAll('.lazyviz .lv-collapsed[data-path]')]"
        ".map(e => e.getAttribute('data-path'))"
    )
    assert {"0", "1", "2", "3"} <= set(collapsed)
    # Python changes it: one level deeper opens.
    view.set("depth", 1)
    view.page.wait_for_selector('.lazyviz .lv-node[data-path="1.conv1"]', state="attached")
    view.set("depth", None)
    view.page.wait_for_selector('.lazyviz .lv-node[data-path="2.shortcut.0"]', state="attached")
    view.log.assert_clean()
