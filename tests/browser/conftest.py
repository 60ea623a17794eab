"""One headless Chromium per test session, and offline pages opened in it with the network cut.

Debian's Chromium (``/usr/bin/chromium``) driven by Playwright; ``playwright
install`` cannot download browsers here. Every page gets a fresh context whose
routes abort anything that is not ``file:``, ``blob:`` or ``data:``, and a
log of requests, console errors, page errors and dialogs for the test to
assert on.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import pytest
from playwright.sync_api import Browser, Page, Playwright, Request, sync_playwright

from lazyviz.export.headless import CHROMIUM, CHROMIUM_ARGS, LOCAL_SCHEMES, cut_network


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def playwright_driver() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def chromium(playwright_driver: Playwright) -> Iterator[Browser]:
    """The session's one browser (loading a large bundle costs seconds: share it)."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: run scripts/install-test-deps.sh")
    # Playwright gives a launched browser a fresh temporary profile of its own.
    browser = playwright_driver.chromium.launch(
        executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
    )
    try:
        yield browser
    finally:
        browser.close()


@dataclass
class PageLog:
    """What happened on a page: every request, blocked ones, console errors, dialogs."""

    requests: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def assert_clean(self) -> None:
        """No network, no console error, no uncaught exception, no dialog (alert)."""
        assert self.blocked == [], f"requests left the page: {self.blocked}"
        outside = [u for u in self.requests if not u.startswith(LOCAL_SCHEMES)]
        assert outside == [], f"non-local requests: {outside}"
        assert self.console_errors == [], self.console_errors
        assert self.page_errors == [], self.page_errors
        assert self.dialogs == [], f"a dialog opened (injected script ran?): {self.dialogs}"


@dataclass
class OfflinePage:
    page: Page
    log: PageLog

    def root(self) -> Any:
        return self.page.locator(".lazyviz").first

    def steps(self) -> int:
        return int(self.root().get_attribute("data-steps") or "-1")

    def step(self) -> int:
        return int(self.root().get_attribute("data-step") or "-1")

    def states(self) -> dict[str, str]:
        """``{data-path: data-state}`` of every graph node on screen."""
        return self.page.evaluate(
            """() => Object.fromEntries([...document.querySelectorAll('.lazyviz [data-path]')]
                 .map(e => [e.getAttribute('data-path'), e.getAttribute('data-state')]))"""
        )

    def set(self, name: str, value: Any) -> None:
        """Write a trait as the front end's own model would (the page's model stand-in)."""
        self.page.evaluate("([n, v]) => window.lazyvizModel.set(n, v)", [name, value])

    def play_to_end(self) -> None:
        """Play through the trait (as ``w.playing = True`` does) and wait for the last step."""
        self.set("speed", 64.0)
        self.set("playing", True)
        self.page.wait_for_function(
            """() => { const r = document.querySelector('.lazyviz');
                       return r && r.dataset.steps !== undefined
                              && r.dataset.step === r.dataset.steps; }""",
            timeout=60_000,
        )


@pytest.fixture
def open_offline(chromium: Browser) -> Iterator[Any]:
    """``open_offline(path, dark=False, ...) -> OfflinePage``, network cut, events logged.

    ``init_script`` runs before the page's own scripts; ``wait_until="commit"``
    returns as soon as the page starts loading (with ``lazyviz_page=False`` and
    ``wait_for_widget=False``, before anything is drawn).
    """
    contexts = []

    def open_(
        path: Path,
        *,
        dark: bool = False,
        wait_for_widget: bool = True,
        lazyviz_page: bool = True,
        init_script: str | None = None,
        wait_until: Literal["commit", "load"] = "load",
    ) -> OfflinePage:
        context = chromium.new_context(
            color_scheme="dark" if dark else "light", viewport={"width": 1200, "height": 800}
        )
        contexts.append(context)
        log = PageLog()

        def on_request(request: Request) -> None:
            log.requests.append(request.url)

        cut_network(context, log.blocked)
        page = context.new_page()
        if init_script is not None:  # runs before the page's own scripts
            page.add_init_script(script=init_script)
        page.on("request", on_request)
        page.on(
            "console", lambda m: log.console_errors.append(m.text) if m.type == "error" else None
        )
        page.on("pageerror", lambda e: log.page_errors.append(str(e)))
        page.on("dialog", lambda d: (log.dialogs.append(d.message), d.dismiss()))
        page.goto(Path(path).resolve().as_uri(), wait_until=wait_until)
        if lazyviz_page:  # not a page lazyviz wrote (nbconvert's): no readiness mark
            page.wait_for_selector("html[data-lazyviz-ready]", state="attached", timeout=60_000)
        if wait_for_widget:
            page.wait_for_selector(".lazyviz[data-steps]", state="attached", timeout=20_000)
        return OfflinePage(page, log)

    yield open_
    for context in contexts:
        context.close()
