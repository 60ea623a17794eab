# ruff: noqa: E501  (the geometry check is JavaScript run in the page, kept readable as written)
"""Edge labels and histograms a learner can read, checked by geometry.

Every demo model's offline page is opened, left to swap in its final (ELK)
layout where the graph branches, and played to the end; then, in the page,
each visible edge label's background (``getBBox`` mapped into the drawing's
coordinates) is tested against every segment of every visible edge path
(parsed from its ``d``, cross-checked with ``getPointAtLength``), every node
box, every group frame and title bar, and every other label: none may meet.
A line through "(2, 8, 32)" reads as "(2,-8,-32)". The details panel of a
BatchNorm layer shows its all-zero bias as one spike labelled "all = 0".
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import lazyviz
from lazyviz.models import DEMOS, demo

FINAL = '.lazyviz .lv-content[data-layout="final"]'

# Runs in the page: label rects vs segments, boxes, frames and labels, all in the drawing's coordinates.
GEOMETRY = r"""
() => {
  const content = document.querySelector('.lazyviz .lv-content');
  const inv = content.getScreenCTM().inverse();
  const to = (el, x, y) => {
    const m = inv.multiply(el.getScreenCTM());
    return { x: m.a * x + m.c * y + m.e, y: m.b * x + m.d * y + m.f };
  };
  const rectOf = (el) => {
    const b = el.getBBox();
    const p = to(el, b.x, b.y), q = to(el, b.x + b.width, b.y + b.height);
    return { x: Math.min(p.x, q.x), y: Math.min(p.y, q.y), w: Math.abs(q.x - p.x), h: Math.abs(q.y - p.y) };
  };
  const shown = (el) => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden';
  const meets = (a, b) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
  const segMeets = (p, q, r) => {
    let t0 = 0, t1 = 1;
    const dx = q.x - p.x, dy = q.y - p.y;
    const clip = (pp, qq) => {
      if (pp === 0) return qq > 0;
      const t = qq / pp;
      if (pp < 0) { if (t > t1) return false; if (t > t0) t0 = t; }
      else { if (t < t0) return false; if (t < t1) t1 = t; }
      return true;
    };
    return clip(-dx, p.x - r.x) && clip(dx, r.x + r.w - p.x) && clip(-dy, p.y - r.y) && clip(dy, r.y + r.h - p.y) && t1 - t0 > 1e-9;
  };
  const bad = [];
  const segs = [];
  for (const path of document.querySelectorAll('.lazyviz path.lv-edge')) {
    if (!shown(path)) continue;
    const d = path.getAttribute('d');
    if (!/^([ML]\s*-?[\d.]+[ ,]\s*-?[\d.]+\s*)+$/.test(d)) { bad.push(`unparsed path ${d}`); continue; }
    const pts = [...d.matchAll(/[ML]\s*(-?[\d.]+)[ ,]\s*(-?[\d.]+)/g)].map((m) => to(path, +m[1], +m[2]));
    for (let i = 1; i < pts.length; i++) segs.push({ p: pts[i - 1], q: pts[i], id: path.dataset.edge });
    // The parse agrees with the browser's own geometry of the path.
    const len = path.getTotalLength();
    const end = path.getPointAtLength(len), last = to(path, end.x, end.y);
    if (Math.hypot(last.x - pts.at(-1).x, last.y - pts.at(-1).y) > 0.5) bad.push(`path ${path.dataset.edge} parse mismatch`);
  }
  const boxes = [];
  const frames = [];
  for (const g of document.querySelectorAll('.lazyviz .lv-node')) {
    if (!shown(g)) continue;
    const box = g.querySelector(':scope > rect.lv-box');
    if (!box) continue;
    const r = rectOf(box);
    if (g.classList.contains('lv-group')) {
      const bar = g.querySelector(':scope > rect.lv-bar');
      if (bar) boxes.push({ r: rectOf(bar), what: `title of ${g.dataset.path}` });
      const c = [{ x: r.x, y: r.y }, { x: r.x + r.w, y: r.y }, { x: r.x + r.w, y: r.y + r.h }, { x: r.x, y: r.y + r.h }];
      for (let i = 0; i < 4; i++) frames.push({ p: c[i], q: c[(i + 1) % 4], what: `frame of ${g.dataset.path}` });
    } else {
      boxes.push({ r, what: `box ${g.dataset.path}` });
      for (const back of g.querySelectorAll(':scope > rect.lv-fold-back')) boxes.push({ r: rectOf(back), what: `stack of ${g.dataset.path}` });
    }
  }
  const canvas = document.createElement('canvas').getContext('2d');
  const ctx2d = (style) => { canvas.font = `${style.fontStyle} ${style.fontWeight} ${style.fontSize} ${style.fontFamily}`; return canvas; };
  const labels = [];
  for (const g of document.querySelectorAll('.lazyviz .lv-edge-label-g')) {
    if (!shown(g)) continue;
    const bg = g.querySelector('rect.lv-edge-label-bg');
    const text = g.querySelector('text.lv-edge-label');
    const r = rectOf(bg);
    // The text fits its background, measured in its own font (getBBox of text grows when the view is
    // zoomed out: Chromium takes font metrics at the rendered size).
    const tx = to(text, +text.getAttribute('x'), 0).x;
    const width = ctx2d(getComputedStyle(text)).measureText(text.textContent).width;
    if (tx < r.x || tx + width > r.x + r.w + 0.5) bad.push(`text "${text.textContent}" spills out of its background`);
    labels.push({ r, text: text.textContent, edge: g.dataset.edge });
  }
  for (const l of labels) {
    for (const s of segs) if (segMeets(s.p, s.q, l.r)) bad.push(`"${l.text}" (${l.edge}) on the line of ${s.id}${s.id === l.edge ? ' (its own)' : ''}`);
    for (const f of frames) if (segMeets(f.p, f.q, l.r)) bad.push(`"${l.text}" on the ${f.what}`);
    for (const b of boxes) if (meets(l.r, b.r)) bad.push(`"${l.text}" on the ${b.what}`);
    for (const o of labels) if (o !== l && meets(l.r, o.r)) bad.push(`"${l.text}" on the label "${o.text}"`);
  }
  return { labels: labels.map((l) => l.text), segments: segs.length, boxes: boxes.length, hidden: document.querySelectorAll('.lazyviz .lv-edge-hit').length, bad };
}
"""


@pytest.fixture(scope="module")
def demo_pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Each demo model's offline page, with the batch the CLI uses."""
    out = tmp_path_factory.mktemp("demos")
    pages = {}
    for name in DEMOS:
        model, batch = demo(name)
        pages[name] = Path(lazyviz.LazyViz(model, batch).to_html(out / f"{name}.html"))
    return pages


@pytest.mark.parametrize("name", list(DEMOS))
def test_no_edge_label_meets_a_line_or_a_box(
    name: str, demo_pages: dict[str, Path], open_offline: Any
) -> None:
    view = open_offline(demo_pages[name])
    # A chain is final at once; a branching graph swaps ELK's layout in (labels placed again).
    view.page.wait_for_selector(FINAL, state="attached", timeout=30_000)
    view.play_to_end()
    geo = view.page.evaluate(GEOMETRY)
    assert geo["bad"] == [], geo["bad"]
    assert geo["segments"] > 0 and geo["boxes"] > 0
    # Labels are there and show shapes (not "?") at the end; a dropped one is a hover target instead.
    assert len(geo["labels"]) >= 2, geo
    assert all(t.startswith("(") and "?" not in t for t in geo["labels"]), geo["labels"]
    assert geo["hidden"] <= len(geo["labels"]) // 4, geo
    view.log.assert_clean()


def test_geometry_check_sees_a_label_on_a_line(
    demo_pages: dict[str, Path], open_offline: Any
) -> None:
    """The check above can fail: a label moved onto its own edge is reported."""
    view = open_offline(demo_pages["mlp"])
    view.page.wait_for_selector(FINAL, state="attached")
    view.page.evaluate(
        """() => {
          const g = document.querySelector('.lazyviz .lv-edge-label-g');
          const path = document.querySelector(`.lazyviz path.lv-edge[data-edge="${g.dataset.edge}"]`);
          const x = +path.getAttribute('d').match(/M\\s*(-?[\\d.]+)/)[1];
          const bg = g.querySelector('rect');
          bg.setAttribute('x', x - 10);
          g.querySelector('text').setAttribute('x', x - 7);
        }"""
    )
    bad = view.page.evaluate(GEOMETRY)["bad"]
    assert any("(its own)" in b for b in bad), bad


def test_zero_bias_histogram_is_a_spike_with_its_value(
    demo_pages: dict[str, Path], open_offline: Any
) -> None:
    view = open_offline(demo_pages["resnet"])
    view.page.wait_for_selector(FINAL, state="attached", timeout=30_000)
    view.play_to_end()
    # The stem's BatchNorm: PyTorch starts its bias at all zeros and its weight at all ones.
    norm = view.page.locator('.lazyviz .lv-node[data-path="0.1"]')
    if norm.count() == 0:  # the stem drawn folded: open it first
        view.page.locator('.lazyviz .lv-node[data-path="0"] .lv-toggle').first.click()
    norm.first.click()
    figures = view.page.locator(".lazyviz .lv-hist")
    figures.first.wait_for()
    bias = figures.filter(has=view.page.locator("figcaption b", has_text="bias")).first
    spike = bias.locator(".lv-hist-spike")
    assert spike.count() == 1
    assert spike.get_attribute("data-value") == "0"
    assert spike.locator("text").text_content() == "all = 0"
    assert bias.locator(".lv-bar-h").count() == 0  # not a full-width block
    ticks = bias.locator(".lv-hist-xtick").all_text_contents()
    assert "0" in ticks and len(ticks) >= 3, ticks
    assert bias.locator(".lv-hist-ytick").count() >= 2
    # The spike stands on the tick "0".
    x_spike = float(spike.locator("line").get_attribute("x1") or "nan")
    xs = bias.locator(".lv-hist-xtick")
    zero = [
        float(xs.nth(i).get_attribute("x") or "nan")
        for i in range(xs.count())
        if xs.nth(i).text_content() == "0"
    ]
    assert len(zero) == 1 and abs(zero[0] - x_spike) < 0.6
    assert "std 0.0000" in (bias.locator("figcaption").text_content() or "")
    weight = figures.filter(has=view.page.locator("figcaption b", has_text="weight")).first
    assert weight.locator(".lv-hist-spike text").text_content() == "all = 1"
    view.log.assert_clean()
