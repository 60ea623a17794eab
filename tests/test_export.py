"""The offline page as text: one file, state and bundle inline, no data escaping its block."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from torch import nn

import lazyviz
from lazyviz.cli import main
from lazyviz.export import page as export
from lazyviz.export.assets import STATIC
from lazyviz.models import DEMOS, demo, mlp

HOSTILE = "</script><script>alert(1)</script><!--<script><img src=x onerror=alert(2)>&amp;"


def _blocks(page: str) -> dict[str, str]:
    found = re.findall(r'<script type="application/json" id="([\w-]+)">(.*?)</script>', page, re.S)
    return dict(found)


def test_to_html_writes_one_page_and_returns_its_path(tmp_path: Path) -> None:
    out = lazyviz.LazyViz(mlp(), torch.rand(2, 20)).to_html(tmp_path / "p.html")
    assert out == tmp_path / "p.html"
    text = out.read_text(encoding="utf-8")
    assert text.startswith("<!doctype html>")
    assert '<script type="module" nonce=' in text
    assert "<title>lazyviz · Sequential</title>" in text
    assert "Content-Security-Policy" in text and "default-src 'none'" in text
    assert "prefers-color-scheme: dark" in text


def test_the_page_refers_to_nothing_outside_itself(tmp_path: Path) -> None:
    text = lazyviz.LazyViz(mlp(), torch.rand(2, 20)).to_html(tmp_path / "p.html").read_text()
    # The markup only: the data blocks are data (the browser tests watch the requests themselves).
    markup = _without_blocks(text)
    outside = re.findall(r'(?:src|href)\s*=\s*["\']?(?!data:|blob:|#)[^"\'\s>]+', markup)
    assert outside == []
    assert not re.search(r"https?://", markup)


def _start_tags(page: str) -> list[str]:
    from html.parser import HTMLParser

    tags: list[str] = []

    class Parser(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list) -> None:
            tags.append(tag)

    Parser().feed(page)
    return tags


def _without_style(page: str) -> str:
    return re.sub(r"<style.*?</style>", "", page, flags=re.S)


def _without_blocks(page: str) -> str:
    return re.sub(r'<script type="application/json".*?</script>', "", page, flags=re.S)


def test_the_state_block_round_trips_the_widget_state(tmp_path: Path) -> None:
    w = lazyviz.LazyViz(mlp(), torch.rand(2, 20))
    w.step = 4
    w.selected = "n1"
    blocks = _blocks(w.to_html(tmp_path / "p.html").read_text())
    state = json.loads(blocks["lazyviz-state"])
    live = export.widget_state(w)
    page_only = ("histograms", "histogram_notes")  # the page adds the other layers' histograms
    assert {k: v for k, v in state.items() if k not in page_only} == {
        k: v for k, v in live.items() if k not in page_only
    }
    assert state["histograms"]["n1"] == live["histograms"]["n1"]
    assert set(state["histograms"]) == {"n1", "n3"}
    assert set(state) == {
        "runs",
        "run",
        "step",
        "playing",
        "speed",
        "selected",
        "histograms",
        "histogram_notes",
        "forwards",
        "note",
        "height",
        "depth",
    }
    assert state["runs"] == [w.to_dict()] and state["step"] == 4 and state["selected"] == "n1"


def test_the_bundle_and_css_are_inline(tmp_path: Path) -> None:
    w = lazyviz.LazyViz(mlp())
    css, js = STATIC / "widget.css", STATIC / "widget.js"
    before = (js.read_text(), css.read_text())
    text = w.to_html(tmp_path / "p.html").read_text()
    after = (js.read_text(), css.read_text())  # `npm run build` may have run meanwhile
    esm = json.loads(_blocks(text)["lazyviz-esm"])
    assert esm in (before[0], after[0])
    assert any(c.replace("</", "<\\/") in text for c in (before[1], after[1]))


def test_hostile_text_cannot_end_or_open_an_element() -> None:
    state = {"runs": [{"model": HOSTILE, "message": HOSTILE + "\u2028"}], "step": 0}
    esm = 'export default { render({el}) { el.textContent = "</script><!--<script>"; } };'
    css = '.x::after { content: "</style><script>alert(3)</script>"; }'
    text = export.page(state, esm, css, title=HOSTILE)
    # Exactly the elements of the template, whatever the data says.
    assert _start_tags(text) == _start_tags(export.page({}, "", "", title=""))
    assert len(re.findall(r"</script", text, re.I)) == 3
    assert len(re.findall(r"</style", text, re.I)) == 2
    assert "<!--" not in _without_style(text) and "<img" not in _without_style(text)
    blocks = _blocks(text)
    assert json.loads(blocks["lazyviz-state"]) == state
    assert json.loads(blocks["lazyviz-esm"]) == esm
    assert "<title>&lt;/script&gt;" in text


def test_a_page_carries_the_whole_bundle_not_the_notebook_loader(tmp_path: Path) -> None:
    text = lazyviz.LazyViz(mlp()).to_html(tmp_path / "t.html").read_text()
    esm = json.loads(_blocks(text)["lazyviz-esm"])
    assert esm != (STATIC / "loader.js").read_text() and len(esm) > 100_000


def test_state_that_is_not_json_is_refused() -> None:
    with pytest.raises(ValueError):
        export.page({"x": float("nan")}, "", "")


@pytest.mark.parametrize("name", list(DEMOS))
def test_every_demo_model_runs_its_sample_batch_cleanly(name: str) -> None:
    model, batch = demo(name)
    record = lazyviz.LazyViz(model, batch).to_dict()
    assert record["error"] is None
    assert any(n["lazy"] for n in record["nodes"])
    assert any(e["kind"] == "materialize" for e in record["events"])


def test_the_resnet_demo_shows_its_residual_adds() -> None:
    model, batch = demo("resnet")
    record = lazyviz.trace(model, batch).to_dict()
    adds = [n for n in record["nodes"] if n["kind"] == "op" and n["type"] == "add"]
    assert len(adds) >= 3
    incoming = {a["id"]: sum(e["dst"] == a["id"] for e in record["edges"]) for a in adds}
    assert all(count == 2 for count in incoming.values()), incoming


def test_demo_batches_leave_the_global_rng_alone() -> None:
    before = torch.get_rng_state()
    demo("mlp")
    assert torch.equal(before, torch.get_rng_state())
    with pytest.raises(ValueError, match="unknown demo model"):
        demo("vgg")


def test_cli_demo_writes_the_default_page_and_prints_its_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["demo"]) == 0
    printed = Path(capsys.readouterr().out.strip())
    assert printed == (tmp_path / "demo.html").resolve() and printed.is_file()
    state = json.loads(_blocks(printed.read_text())["lazyviz-state"])
    record = state["runs"][0]
    assert record["model"] == "Sequential"
    assert record["inputs"] == [{"shape": [2, 20], "dtype": "float32"}]
    assert [n["type"] for n in record["nodes"] if n["kind"] == "module"] == [
        "Sequential",
        "LazyLinear",
        "ReLU",
        "LazyLinear",
    ]


@pytest.mark.parametrize("name", ["lenet", "transformer"])
def test_cli_demo_model_and_out(tmp_path: Path, name: str, capsys: pytest.CaptureFixture) -> None:
    out = tmp_path / "sub.html"
    assert main(["demo", "--model", name, "--out", str(out)]) == 0
    assert Path(capsys.readouterr().out.strip()) == out.resolve()
    assert out.stat().st_size > 0


def test_cli_rejects_an_unknown_model(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["demo", "--model", "vgg"])
    assert exit_.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


def test_cli_reports_an_unwritable_path(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["demo", "--out", str(tmp_path / "missing" / "x.html")]) == 1
    assert "cannot write" in capsys.readouterr().err


def test_the_installed_command_runs(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "lazyviz.cli", "demo", "--out", str(tmp_path / "d.html")],
        capture_output=True,
        text=True,
        check=True,
    )
    assert Path(done.stdout.strip()).is_file()


def test_cli_model_list_matches_the_demos() -> None:
    from lazyviz.cli import MODELS

    assert set(MODELS) == set(DEMOS)


def test_hostile_module_names_survive_into_the_state_block(tmp_path: Path) -> None:
    net = nn.Sequential()
    net.add_module(HOSTILE, nn.LazyLinear(3))
    page = lazyviz.LazyViz(net, torch.rand(1, 2)).to_html(tmp_path / "h.html").read_text()
    blocks = _blocks(page)
    paths = [n["path"] for n in json.loads(blocks["lazyviz-state"])["runs"][0]["nodes"]]
    assert HOSTILE in paths
