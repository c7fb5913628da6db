"""The trade front chart: tied architectures share one label instead of overlapping."""

from __future__ import annotations

import re

from hoplon.present.html.svg import Dot, front_chart


def _labels(svg: str) -> list[str]:
    return re.findall(r"<text[^>]*>(#[^<]*)</text>", svg)


def test_tied_front_points_share_one_label() -> None:
    dots = [
        Dot(310.9, 0.001, 0.0, 0.003, True, "a", "#1"),
        Dot(310.9, 0.001, 0.0, 0.003, True, "b", "#2"),
        Dot(400.0, 0.40, 0.38, 0.42, True, "c", "#3"),
        Dot(350.0, 0.10, 0.08, 0.12, False, "d", "#4"),  # off the front: no label
    ]
    svg = front_chart(dots, x_label="cost", y_label="P(no leaker)")
    assert _labels(svg) == ["#1, #2", "#3"]
    assert svg.count('class="front-point"') == 3 and svg.count('class="point"') == 1
