"""The offline page's model stand-in, with a tiny ESM of our own (independent of the real bundle).

It checks what every anywidget bundle relies on: ``initialize`` then
``render({model, el})``, ``get``/``set``/``on``/``off`` with Backbone's
change events, a default export that is a function, and a failure shown as
text rather than a blank page.
"""

from __future__ import annotations

from pathlib import Path

from lazyviz.export.page import page

PROBE = """
const log = [];
export default {
  initialize({ model }) { log.push("initialize:" + model.get("step")); },
  render({ model, el }) {
    el.classList.add("lazyviz");
    const draw = () => {
      el.dataset.step = String(model.get("step"));
      el.dataset.steps = String(model.get("runs")[0].events.length);
    };
    draw();
    const onStep = (m, value) => { log.push("step:" + value + ":" + (m === model)); draw(); };
    model.on("change:step", onStep);
    model.on("change", () => log.push("change"));
    model.on("change:selected", () => log.push("selected"));
    model.off("change:selected");
    const name = document.createElement("span");
    name.className = "name";
    name.textContent = model.get("runs")[0].model;
    el.appendChild(name);
    model.save_changes();
    model.send({ any: "thing" });
    window.probeLog = log;
    return () => model.off("change:step", onStep);
  },
};
"""

STATE = {"runs": [{"model": "<b>Net</b>", "events": [{}, {}, {}]}], "step": 1, "selected": ""}


def _write(tmp_path: Path, esm: str, name: str = "probe.html") -> Path:
    out = tmp_path / name
    out.write_text(page(STATE, esm, ".lazyviz { color: rgb(1, 2, 3); }"), encoding="utf-8")
    return out


def test_initialize_render_and_backbone_style_events(tmp_path: Path, open_offline) -> None:
    view = open_offline(_write(tmp_path, PROBE))
    assert (view.step(), view.steps()) == (1, 3)
    view.set("step", 3)
    view.set("step", 3)  # unchanged: nobody is told
    view.set("selected", "n1")  # its listener was removed
    assert view.step() == 3
    log = view.page.evaluate("window.probeLog")
    assert log == ["initialize:1", "step:3:true", "change", "change"]
    assert view.page.locator(".lazyviz .name").text_content() == "<b>Net</b>"
    assert view.page.locator("b").count() == 0
    assert view.page.locator(".lazyviz").evaluate("e => getComputedStyle(e).color") == (
        "rgb(1, 2, 3)"
    )
    view.log.assert_clean()


def test_a_default_export_that_is_a_function(tmp_path: Path, open_offline) -> None:
    esm = (
        "export default () => ({ render({ model, el }) {"
        " el.className = 'lazyviz'; el.dataset.step = '0'; el.dataset.steps = '0'; } });"
    )
    view = open_offline(_write(tmp_path, esm))
    assert view.steps() == 0
    view.log.assert_clean()


def test_a_failing_bundle_says_so_on_the_page(tmp_path: Path, open_offline) -> None:
    esm = "export default { render() { throw new Error('drawing failed <here>'); } };"
    view = open_offline(_write(tmp_path, esm), wait_for_widget=False)
    assert view.page.get_attribute("html", "data-lazyviz-ready") == "error"
    assert "drawing failed <here>" in view.page.locator("#lazyviz-failure").text_content()
    assert view.log.page_errors  # and the error reaches the console for a developer


def test_the_page_follows_the_readers_colour_scheme(tmp_path: Path, open_offline) -> None:
    path = _write(tmp_path, PROBE)
    background = "() => getComputedStyle(document.body).backgroundColor"
    light = open_offline(path).page.evaluate(background)
    dark = open_offline(path, dark=True).page.evaluate(background)
    assert light == "rgb(255, 255, 255)"
    assert dark != light
