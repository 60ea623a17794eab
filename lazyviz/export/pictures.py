"""Pictures of the widget for slides: an SVG or PNG of one step, a GIF of the whole animation.

The widget draws itself: each picture is the offline page
(:mod:`lazyviz.export.page`) opened in headless Chromium, moved to the step as
``w.step = k`` would, and captured once the view has settled. A PNG is a
screenshot of the widget; an SVG is the widget's own graph ``<svg>`` with
its computed styles written in (no stylesheet needed), plus the header line
and the step's caption as SVG text; a GIF is one screenshot per step,
assembled by Pillow. So a frame is what the widget shows at that step,
captions included, and nothing leaves the machine (the page's
Content-Security-Policy refuses requests, and the browser's routes abort
any that is not local).

Playwright and Pillow are the optional extra ``lazyviz[pictures]``: a plain
``import lazyviz`` imports neither. One browser serves the whole process
(launched on first use, closed at exit), driven from one worker thread so
the pictures also work inside Jupyter, whose running event loop Playwright's
synchronous API refuses.
"""

from __future__ import annotations

import atexit
import io
import numbers
import os
import queue
import tempfile
import threading
from collections.abc import Callable
from concurrent.futures import Future
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

__all__ = ["MAX_GIF_FRAMES", "PicturesUnavailable", "gif_steps", "to_gif", "to_png", "to_svg"]

EXTRA = 'pip install "lazyviz[pictures]"'

VIEWPORT_WIDTH = 1200
"""CSS pixels of the browser window the widget is drawn in (its width follows the page's)."""

MAX_GIF_FRAMES = 120
"""The most frames a GIF gets; a longer animation is sampled at evenly spaced steps."""

LAST_FRAME_MS = 2500
"""How long a GIF holds its last frame (the outcome), at least."""

EXACT_COLOURS = 128
"""How many of a GIF's most frequent colours its palette keeps exactly (see ``_palette``)."""

LOAD_TIMEOUT_MS = 60_000
STEP_TIMEOUT_MS = 10_000
LAYOUT_TIMEOUT_MS = 30_000

T = TypeVar("T")


class PicturesUnavailable(ImportError, RuntimeError):
    """What pictures need is missing: Playwright, Pillow (``lazyviz[pictures]``) or a Chromium.

    Both an ImportError (a missing package) and a RuntimeError (a missing
    browser), so either ``except`` catches it.
    """


# --------------------------------------------------------------- public API
def to_svg(widget: Any, path: str | Path, step: int | None = None) -> Path:
    """Write what the widget shows at ``step`` as a standalone SVG document.

    The graph is the widget's own drawing, panned and zoomed as on screen,
    with its computed styles written as presentation attributes; the header
    line and the step's caption are SVG text. Fonts are the page's font
    stacks, which end in generic families (``sans-serif``, ``monospace``), so
    the file renders anywhere, offline. With a node selected, its details
    panel (text and histograms) is drawn beside or below the graph, as on
    screen, and whole (a picture cannot scroll). Buttons are left out. The
    same code pictures the widget in a notebook's saved output.

    Parameters
    ----------
    widget : LazyViz
        The widget to draw.
    path : str or pathlib.Path
        The file to write.
    step : int, optional
        The animation step, 0 (nothing played) to ``widget.steps`` (the end);
        None (default) is the widget's current step.

    Returns
    -------
    pathlib.Path
        The path written.

    Raises
    ------
    ValueError
        ``step`` is outside ``0..widget.steps``.
    PicturesUnavailable
        Playwright, Pillow or Chromium is missing (the message says how to get them).
    """
    k = _check_step(widget, step)
    out = Path(path)
    _require()

    def job(browser: Any) -> str:
        with _Page(browser, widget, scale=1) as page:
            page.show(k)
            return str(page.page.evaluate("() => window.__lazyvizPictures.svg()"))

    out.write_text(_BROWSER.run(job), encoding="utf-8")
    return out


def to_png(widget: Any, path: str | Path, step: int | None = None, scale: float = 2) -> Path:
    """Write a screenshot of the widget at ``step`` as a PNG.

    Parameters
    ----------
    widget : LazyViz
        The widget to draw.
    path : str or pathlib.Path
        The file to write.
    step : int, optional
        The animation step, 0 to ``widget.steps``; None (default) is the
        widget's current step.
    scale : float
        Device pixels per CSS pixel (2, the default, is sharp on slides and
        retina screens): the image is ``scale`` times the widget's size.

    Returns
    -------
    pathlib.Path
        The path written.

    Raises
    ------
    ValueError
        ``step`` is outside ``0..widget.steps``, or ``scale`` is not in (0, 8].
    PicturesUnavailable
        Playwright, Pillow or Chromium is missing.
    """
    k = _check_step(widget, step)
    s = _check_scale(scale)
    out = Path(path)
    _require()

    def job(browser: Any) -> bytes:
        with _Page(browser, widget, scale=s) as page:
            page.show(k)
            return page.screenshot()

    out.write_bytes(_BROWSER.run(job))
    return out


def to_gif(
    widget: Any,
    path: str | Path,
    fps: float = 4,
    *,
    scale: float = 1,
    max_frames: int = MAX_GIF_FRAMES,
) -> Path:
    """Write the whole animation, step 0 to the end, captions included, as a looping GIF.

    One frame per step (``widget.steps + 1`` frames); a longer animation
    than ``max_frames`` is sampled at evenly spaced steps, first and last
    included. The last frame is held for :data:`LAST_FRAME_MS` at least.
    All frames share one palette, so a frame stores only what changed.

    Parameters
    ----------
    widget : LazyViz
        The widget to draw (the run on screen, ``widget.run``).
    path : str or pathlib.Path
        The file to write.
    fps : float
        Frames per second, (0, 50]; 4 (default) is the widget's own speed 1.
    scale : float
        Device pixels per CSS pixel (1 keeps the file small).
    max_frames : int
        The most frames, at least 2.

    Returns
    -------
    pathlib.Path
        The path written.

    Raises
    ------
    ValueError
        ``fps``, ``scale`` or ``max_frames`` is out of range.
    PicturesUnavailable
        Playwright, Pillow or Chromium is missing.
    """
    if isinstance(fps, bool) or not isinstance(fps, numbers.Real) or not 0 < fps <= 50:
        raise ValueError(f"fps must be a number in (0, 50], got {fps!r}")
    if isinstance(max_frames, bool) or not isinstance(max_frames, int) or max_frames < 2:
        raise ValueError(f"max_frames must be an integer of at least 2, got {max_frames!r}")
    s = _check_scale(scale)
    out = Path(path)
    _require()
    ks = gif_steps(int(widget.steps), max_frames)

    def job(browser: Any) -> list[bytes]:
        with _Page(browser, widget, scale=s) as page:
            frames = []
            for k in ks:
                page.show(k)
                frames.append(page.screenshot())
            return frames

    _assemble_gif(_BROWSER.run(job), out, float(fps))
    return out


def gif_steps(steps: int, max_frames: int = MAX_GIF_FRAMES) -> list[int]:
    """The steps a GIF shows: all of ``0..steps``, or ``max_frames`` of them evenly spaced.

    Parameters
    ----------
    steps : int
        The animation's last step.
    max_frames : int
        The most frames (at least 2).

    Returns
    -------
    list of int
        Increasing steps, starting at 0 and ending at ``steps``.
    """
    if steps + 1 <= max_frames:
        return list(range(steps + 1))
    # Spacing > 1, so the rounded positions are distinct.
    return [round(i * steps / (max_frames - 1)) for i in range(max_frames)]


# ---------------------------------------------------------------- checking
def _check_step(widget: Any, step: int | None) -> int:
    steps = int(widget.steps)
    k = widget.step if step is None else step
    if isinstance(k, bool) or not isinstance(k, numbers.Integral):
        raise TypeError(f"step must be an integer (or None for the current step), got {k!r}")
    if not 0 <= int(k) <= steps:
        raise ValueError(
            f"step {k} is out of range: step must be between 0 (nothing played) and "
            f"{steps} (the end)"
        )
    return int(k)


def _check_scale(scale: float) -> float:
    if isinstance(scale, bool) or not isinstance(scale, numbers.Real) or not 0 < scale <= 8:
        raise ValueError(f"scale must be a number in (0, 8], got {scale!r}")
    return float(scale)


def _require() -> None:
    """Raise :class:`PicturesUnavailable` unless Playwright and Pillow import."""
    missing = []
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append("playwright")
    try:
        import PIL.Image  # noqa: F401
    except ImportError:
        missing.append("pillow")
    from lazyviz.export.headless import CHROMIUM_ENV, INSTALL_HINT

    chosen = os.environ.get(CHROMIUM_ENV)
    if not missing and chosen and not Path(chosen).exists():
        raise PicturesUnavailable(
            f"lazyviz pictures need a Chromium: ${CHROMIUM_ENV} is {chosen!r}, which does not "
            f"exist. {INSTALL_HINT}"
        )
    if missing:
        raise PicturesUnavailable(
            f"lazyviz pictures (to_svg, to_png, to_gif) draw the widget in headless Chromium "
            f"and need {' and '.join(missing)}: {EXTRA}. They also need a Chromium: "
            f"{INSTALL_HINT}"
        )


# ------------------------------------------------------------------ browser
class _Browser:
    """One headless Chromium for the process, owned by one worker thread.

    Playwright's synchronous API refuses to run in a thread with a running
    asyncio loop (Jupyter's kernel has one), and its objects belong to the
    thread that made them: every job runs on this thread, one at a time.
    """

    def __init__(self) -> None:
        self._jobs: queue.Queue[tuple[Callable[[Any], Any], Future[Any]] | None] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def run(self, job: Callable[[Any], T]) -> T:
        """Run ``job(browser)`` on the browser's thread and return its result (or raise)."""
        done: Future[T] = Future()
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._serve, name="lazyviz-chromium")
                self._thread.daemon = True  # never keeps the interpreter alive
                self._thread.start()
            self._jobs.put((job, done))
        return done.result()

    def close(self, timeout: float = 10.0) -> None:
        """Close the browser and end the thread (at exit; the next job starts a new one)."""
        with self._lock:
            thread, self._thread = self._thread, None
            if thread is None or not thread.is_alive():
                return
            self._jobs.put(None)
        thread.join(timeout)

    def _serve(self) -> None:
        driver: Any = None
        browser: Any = None
        launched: str | None = None
        try:
            while True:
                item = self._jobs.get()
                if item is None:
                    return
                job, done = item
                if not done.set_running_or_notify_cancel():
                    continue
                try:
                    if driver is None:
                        from playwright.sync_api import sync_playwright

                        driver = sync_playwright().start()
                    from lazyviz.export.headless import find_chromium

                    # $LAZYVIZ_CHROMIUM may change between pictures: the next one uses the new one.
                    wanted = find_chromium()
                    if browser is not None and (not browser.is_connected() or wanted != launched):
                        _close(browser)
                        browser = None
                    if browser is None:
                        browser, launched = _launch(driver), wanted
                    done.set_result(job(browser))
                except BaseException as exc:
                    done.set_exception(exc)
        finally:
            _close(browser)
            if driver is not None:
                _close(driver, "stop")


def _close(thing: Any, method: str = "close") -> None:
    try:
        if thing is not None:
            getattr(thing, method)()
    except Exception:
        pass  # a browser that died, or a driver at exit, must not turn into a traceback


def _launch(driver: Any) -> Any:
    from lazyviz.export.headless import launch_chromium

    try:
        return launch_chromium(driver)
    except FileNotFoundError as exc:
        raise PicturesUnavailable(f"lazyviz pictures need a Chromium: {exc}") from exc


_BROWSER = _Browser()
atexit.register(_BROWSER.close)

_SNAPSHOT_JS = resources.files("lazyviz.export").joinpath("snapshot.js")

# Transitions would make a frame depend on when it is taken; at rest the widget looks the same.
_STILL_CSS = ".lazyviz, .lazyviz * { transition: none !important; animation: none !important; }"


class _Page:
    """The widget's offline page in a fresh browser context with the network cut off."""

    def __init__(self, browser: Any, widget: Any, *, scale: float) -> None:
        self.browser = browser
        self.widget = widget
        self.scale = scale
        self.errors: list[str] = []
        self._box: dict[str, float] | None = None
        self._tmp = tempfile.TemporaryDirectory(prefix="lazyviz-picture-")

    def __enter__(self) -> _Page:
        try:
            self._open()
        except BaseException:
            self.__exit__()
            raise
        return self

    def _open(self) -> None:
        from lazyviz.export.headless import cut_network
        from lazyviz.export.page import widget_state, write_html

        flush = getattr(self.widget, "_flush_counts", None)
        if callable(flush):
            flush()
        state = widget_state(self.widget)
        # Opened at step 0 and moved as `w.step = k` moves the widget, so the view follows the
        # batch to step k as it would in the notebook.
        state.update(step=0, playing=False)
        page_file = write_html(self.widget, Path(self._tmp.name) / "page.html", state=state)
        height = int(state.get("height", 480) or 480)
        self.context = self.browser.new_context(
            viewport={"width": VIEWPORT_WIDTH, "height": max(800, height + 80)},
            device_scale_factor=self.scale,
            color_scheme="light",
            reduced_motion="reduce",
        )
        cut_network(self.context)
        self.context.add_init_script(script=_SNAPSHOT_JS.read_text(encoding="utf-8"))
        self.page = self.context.new_page()
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.goto(page_file.resolve().as_uri())
        self.page.wait_for_selector(
            "html[data-lazyviz-ready]", state="attached", timeout=LOAD_TIMEOUT_MS
        )
        if self.page.evaluate("document.documentElement.dataset.lazyvizReady") != "true":
            failure = self.page.locator("#lazyviz-failure").text_content() or ""
            raise RuntimeError(f"the widget could not draw itself: {failure or self.errors}")
        self.page.wait_for_selector(".lazyviz[data-steps]", state="attached")
        self.page.add_style_tag(content=_STILL_CSS)
        self.page.evaluate(
            "t => window.__lazyvizPictures.layoutDone(t).then(() => "
            "window.__lazyvizPictures.settle(t))",
            LAYOUT_TIMEOUT_MS,
        )

    def show(self, k: int) -> None:
        """Move the widget to step k and wait until it is drawn and the view is still."""
        self.page.evaluate(
            "([k, t]) => window.__lazyvizPictures.showStep(k, t)", [k, STEP_TIMEOUT_MS]
        )
        if self.errors:
            raise RuntimeError(f"the widget failed at step {k}: {self.errors[0]}")

    def screenshot(self) -> bytes:
        """The widget's root element as PNG bytes."""
        # A clip of the page costs half an element screenshot (no scrolling or stability checks);
        # the widget does not move on the page, so its box is measured once.
        if self._box is None:
            self._box = self.page.locator(".lazyviz").first.bounding_box()
            if self._box is None:
                raise RuntimeError("the widget is not on the page")
        return bytes(self.page.screenshot(type="png", clip=self._box, caret="hide"))

    def __exit__(self, *exc: object) -> None:
        try:
            context = getattr(self, "context", None)
            if context is not None:
                context.close()
        finally:
            self._tmp.cleanup()


# --------------------------------------------------------------------- GIF
def _assemble_gif(pngs: list[bytes], path: Path, fps: float) -> None:
    from PIL import Image

    frames = [Image.open(io.BytesIO(b)).convert("RGB") for b in pngs]
    size = frames[0].size
    frames = [f if f.size == size else _fit(f, size) for f in frames]
    still = _indexed(frames, _palette(frames))
    ms = max(20, round(1000 / fps / 10) * 10)  # GIF delays are in hundredths of a second
    durations = [ms] * len(still)
    durations[-1] = max(LAST_FRAME_MS, 3 * ms)
    still[0].save(
        path,
        format="GIF",
        save_all=True,
        append_images=still[1:],
        duration=durations,
        loop=0,
        optimize=True,
        disposal=1,
    )


def _palette(frames: list[Any]) -> np.ndarray:
    """One palette (256 x RGB) for all frames, from up to 8 of them spread over the animation.

    The most frequent colours (backgrounds, box fills, text) go in exactly: a
    median cut alone averages pure white with the near-whites around it and
    tints every background. The rest is a median cut of the whole sample
    (anti-aliased edges, shadows).
    """
    from PIL import Image

    n = len(frames)
    picks = frames if n <= 8 else [frames[round(i * (n - 1) / 7)] for i in range(8)]
    w, h = picks[0].size
    sheet = Image.new("RGB", (w, h * len(picks)))
    for i, f in enumerate(picks):
        sheet.paste(f, (0, i * h))
    counted = sheet.getcolors(maxcolors=sheet.width * sheet.height) or []
    counted.sort(key=lambda c: c[0], reverse=True)
    exact = [rgb for _, rgb in counted[: 256 if len(counted) <= 256 else EXACT_COLOURS]]
    rest = np.zeros((0, 3), dtype=np.uint8)
    if len(counted) > len(exact):
        k = 256 - len(exact)
        cut = sheet.quantize(k, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
        rest = np.array((cut.getpalette() or [])[: 3 * k], dtype=np.uint8).reshape(-1, 3)
    return np.concatenate([np.array(exact, dtype=np.uint8).reshape(-1, 3), rest])


def _indexed(frames: list[Any], palette: np.ndarray) -> list[Any]:
    """Each frame as a palette image: every pixel the nearest palette colour, undithered.

    Pillow's own mapping looks colours up at 6 bits a channel and can turn
    white into the near-white next to it; this one is exact, so a colour in
    the palette stays itself and an unchanged area stays byte-identical
    between frames (then Pillow stores a frame as the rectangle that changed).
    A lookup table over all 2^24 colours is filled only for colours seen.
    """
    from PIL import Image

    pal = palette.astype(np.int32)
    flat = palette.reshape(-1).tolist()
    flat += [0] * (768 - len(flat))
    lut = np.zeros(1 << 24, dtype=np.uint8)
    known = np.zeros(1 << 24, dtype=bool)
    out = []
    for frame in frames:
        a = np.asarray(frame, dtype=np.uint32)
        packed = (a[..., 0] << 16) | (a[..., 1] << 8) | a[..., 2]
        new = np.unique(packed[~known[packed]])
        for i in range(0, new.size, 4096):  # chunks keep the distance matrix small
            chunk = new[i : i + 4096]
            rgb = np.stack([chunk >> 16, (chunk >> 8) & 255, chunk & 255], axis=1).astype(np.int32)
            lut[chunk] = ((rgb[:, None, :] - pal[None, :, :]) ** 2).sum(axis=2).argmin(axis=1)
        known[new] = True
        image = Image.fromarray(lut[packed])
        image.putpalette(flat)
        out.append(image)
    return out


def _fit(frame: Any, size: tuple[int, int]) -> Any:
    from PIL import Image

    canvas = Image.new("RGB", size, (255, 255, 255))
    canvas.paste(frame, (0, 0))
    return canvas
