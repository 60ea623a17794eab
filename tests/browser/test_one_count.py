"""print(trace) and the widget's header give one parameter count for one model."""

from __future__ import annotations

from typing import Any

import lazyviz
from lazyviz.models import mlp


def test_the_header_and_the_table_count_alike(tmp_path: Any, open_offline: Any) -> None:
    net = mlp()
    table_count = str(lazyviz.trace(net)).splitlines()[0].split("  ")[-1]
    assert table_count == "params 266 known + ? pending (2 tensors)"
    view = open_offline(lazyviz.LazyViz(net).to_html(tmp_path / "count.html"))
    header = view.page.locator(".lazyviz .lv-counts").inner_text()
    assert header == table_count
    view.log.assert_clean()
