"""Pictures without a browser: argument checks, the missing-extra message, the CLI's formats.

The pictures themselves are drawn and checked in tests/browser/test_pictures_drawn.py.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import torch

from lazyviz import LazyViz
from lazyviz.cli import FORMATS, main
from lazyviz.export import pictures
from lazyviz.export.headless import CHROMIUM_ENV
from lazyviz.models import mlp


@pytest.fixture(scope="module")
def widget() -> LazyViz:
    return LazyViz(mlp(), torch.rand(2, 20))


def test_lazyviz_has_the_picture_methods() -> None:
    for name in ("to_svg", "to_png", "to_gif"):
        assert callable(getattr(LazyViz, name, None)), f"LazyViz.{name} is missing"


@pytest.mark.parametrize("func", [pictures.to_svg, pictures.to_png])
@pytest.mark.parametrize("step", [-1, 13, 100])
def test_a_step_out_of_range_names_the_range(
    widget: LazyViz, tmp_path: Path, func: object, step: int
) -> None:
    with pytest.raises(ValueError, match=rf"step {step} is out of range.*between 0 .* and 12 "):
        func(widget, tmp_path / "x", step=step)  # type: ignore[operator]
    assert not (tmp_path / "x").exists()


def test_bad_scale_fps_and_step_types(widget: LazyViz, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="scale"):
        pictures.to_png(widget, tmp_path / "x.png", scale=0)
    with pytest.raises(ValueError, match="fps"):
        pictures.to_gif(widget, tmp_path / "x.gif", fps=0)
    with pytest.raises(ValueError, match="max_frames"):
        pictures.to_gif(widget, tmp_path / "x.gif", max_frames=1)
    with pytest.raises(TypeError, match="integer"):
        pictures.to_svg(widget, tmp_path / "x.svg", step=1.5)  # type: ignore[arg-type]


def test_gif_steps() -> None:
    assert pictures.gif_steps(12) == list(range(13))
    steps = pictures.gif_steps(1000, max_frames=120)
    assert len(steps) == 120 and steps[0] == 0 and steps[-1] == 1000
    assert steps == sorted(set(steps))
    assert pictures.gif_steps(0) == [0]


@pytest.mark.parametrize("missing", ["playwright.sync_api", "PIL.Image"])
def test_missing_extra_names_it(
    widget: LazyViz, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, missing: str
) -> None:
    monkeypatch.setitem(sys.modules, missing, None)  # `import` of it now raises ImportError
    for call in (
        lambda: pictures.to_svg(widget, tmp_path / "x.svg"),
        lambda: pictures.to_png(widget, tmp_path / "x.png"),
        lambda: pictures.to_gif(widget, tmp_path / "x.gif"),
    ):
        with pytest.raises(ImportError, match=r'pip install "lazyviz\[pictures\]"') as err:
            call()
        assert isinstance(err.value, RuntimeError)
        assert "apt-get install chromium" in str(err.value) and CHROMIUM_ENV in str(err.value)


def test_missing_chromium_names_the_variable(
    widget: LazyViz, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(CHROMIUM_ENV, "/nonexistent/chromium")
    for call in (
        lambda: pictures._launch(driver=None),
        lambda: pictures.to_png(widget, tmp_path / "x.png"),
    ):
        with pytest.raises(pictures.PicturesUnavailable, match=CHROMIUM_ENV) as err:
            call()
        assert "/nonexistent/chromium" in str(err.value)
        assert "apt-get install chromium" in str(err.value)


def test_cli_missing_extra_exits_1_with_the_message(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "playwright.sync_api", None)
    assert main(["demo", "--out", str(tmp_path / "x.png")]) == 1
    assert 'pip install "lazyviz[pictures]"' in capsys.readouterr().err
    assert not (tmp_path / "x.png").exists()


@pytest.mark.parametrize("name", ["x.pdf", "x.jpeg", "x", "x.html.txt"])
def test_cli_unknown_suffix_exits_2_and_lists_the_formats(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["demo", "--out", str(tmp_path / name)])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert all(suffix in err for suffix in FORMATS), err
    assert not (tmp_path / name).exists()


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--out", "x.png", "--step", "13"], "between 0 and 12"),
        (["--out", "x.png", "--step", "-1"], "0 or more"),
        (["--out", "x.gif", "--step", "2"], "every step"),
        (["--out", "x.png", "--scale", "0"], "--scale"),
        (["--out", "x.gif", "--fps", "0"], "--fps"),
    ],
)
def test_cli_bad_options_exit_2(
    argv: list[str],
    message: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as exit_:
        main(["demo", *argv])
    assert exit_.value.code == 2
    assert message in capsys.readouterr().err


def test_cli_html_step_opens_the_page_there(tmp_path: Path) -> None:
    out = tmp_path / "at5.htm"
    assert main(["demo", "--out", str(out), "--step", "5"]) == 0
    assert '"step":5' in out.read_text(encoding="utf-8")


def test_import_stays_light() -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, lazyviz; print(sorted(m for m in ('playwright', 'PIL', "
            "'lazyviz.export.pictures') if m in sys.modules))",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.strip() == "[]"
