"""Plotly figures as plain figure JSON (dicts), rendered in the browser by the local plotly.js.

Plain dicts rather than ``plotly.graph_objects``: the figures are small and fixed in shape,
so building them by hand skips the validation cost on every page load while staying the
same JSON Plotly documents. Every figure gets the same accessible, high-contrast style.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

# Colour-blind-safe (Okabe–Ito) colours, each at least 3:1 against white for lines/marks.
BLUE, ORANGE, GREEN, RED, PURPLE, GREY = (
    "#0069a8",
    "#b35900",
    "#007a55",
    "#c2185b",
    "#6a3d9a",
    "#555555",
)

Figure = dict[str, Any]


def _layout(
    title: str, y_title: str = "", x_title: str = "", height: int = 300, **extra: Any
) -> dict[str, Any]:
    layout: dict[str, Any] = {
        "title": {"text": title, "font": {"size": 15}},
        "height": height,
        "margin": {"l": 56, "r": 16, "t": 44, "b": 44},
        "font": {"family": "system-ui, sans-serif", "color": "#1a1a1a", "size": 12},
        "paper_bgcolor": "#ffffff",
        "plot_bgcolor": "#ffffff",
        # automargin: Plotly grows a margin to fit the tick labels and titles, so a long
        # category name ("Value protected by measured actions") is never clipped.
        "xaxis": {"title": {"text": x_title}, "gridcolor": "#e3e3e3", "automargin": True},
        "yaxis": {
            "title": {"text": y_title},
            "gridcolor": "#e3e3e3",
            "zerolinecolor": "#999",
            "automargin": True,
        },
        "legend": {"orientation": "h", "y": -0.2},
    }
    layout.update(extra)
    return layout


def to_json(fig: Figure) -> str:
    """Figure JSON safe to inline in a ``<script type="application/json">`` element."""
    return json.dumps(fig, default=str).replace("</", "<\\/")


def lines(
    title: str,
    x: Sequence[Any],
    series: dict[str, Sequence[Any]],
    y_title: str = "",
    colours: Sequence[str] = (BLUE, ORANGE, GREEN, RED, PURPLE),
) -> Figure:
    """One line per named series over a shared x axis (dates, turns)."""
    data = [
        {
            "type": "scatter",
            "mode": "lines+markers",
            "name": name,
            "x": list(x),
            "y": list(y),
            "line": {"color": colours[k % len(colours)], "width": 2},
            "marker": {"size": 5},
        }
        for k, (name, y) in enumerate(series.items())
    ]
    return {"data": data, "layout": _layout(title, y_title)}


def bars(
    title: str,
    labels: Sequence[Any],
    values: Sequence[Any],
    y_title: str = "",
    colour: str = BLUE,
    horizontal: bool = False,
) -> Figure:
    """A single bar series (categories × values)."""
    trace: dict[str, Any] = {"type": "bar", "marker": {"color": colour}}
    if horizontal:
        trace |= {"x": list(values), "y": list(labels), "orientation": "h"}
        layout = _layout(title, "", y_title, height=max(260, 22 * len(labels) + 80))
        layout["yaxis"]["autorange"] = "reversed"
        layout["margin"]["l"] = 110
    else:
        trace |= {"x": list(labels), "y": list(values)}
        layout = _layout(title, y_title)
    return {"data": [trace], "layout": layout}


def grouped_bars(
    title: str,
    labels: Sequence[Any],
    series: dict[str, Sequence[Any]],
    y_title: str = "",
    errors: dict[str, Sequence[Any]] | None = None,
) -> Figure:
    """Several bar series side by side (e.g. treatment vs control), optional error bars."""
    colours = (GREY, BLUE, ORANGE, GREEN)
    data = []
    for k, (name, ys) in enumerate(series.items()):
        trace: dict[str, Any] = {
            "type": "bar",
            "name": name,
            "x": list(labels),
            "y": list(ys),
            "marker": {"color": colours[k % len(colours)]},
        }
        if errors and name in errors:
            trace["error_y"] = {"type": "data", "array": list(errors[name]), "visible": True}
        data.append(trace)
    return {"data": data, "layout": _layout(title, y_title, barmode="group")}


def trajectory(
    title: str,
    seqs: Sequence[int],
    valences: Sequence[float],
    peak: tuple[int, float] | None,
    end: tuple[int, float] | None,
) -> Figure:
    """Valence per customer turn with the peak (most intense moment) and the end marked —
    the two moments the remembered score is built from."""
    data: list[dict[str, Any]] = [
        {
            "type": "scatter",
            "mode": "lines+markers",
            "name": "valence per customer turn",
            "x": list(seqs),
            "y": list(valences),
            "line": {"color": BLUE, "width": 2},
            "marker": {"size": 7},
        },
    ]
    if peak is not None:
        data.append(
            {
                "type": "scatter",
                "mode": "markers+text",
                "name": "peak",
                "x": [peak[0]],
                "y": [peak[1]],
                "text": ["peak"],
                "textposition": "top center",
                "marker": {"size": 16, "symbol": "star", "color": RED},
            }
        )
    if end is not None:
        data.append(
            {
                "type": "scatter",
                "mode": "markers+text",
                "name": "end",
                "x": [end[0]],
                "y": [end[1]],
                "text": ["end"],
                "textposition": "bottom center",
                "marker": {"size": 14, "symbol": "diamond", "color": GREEN},
            }
        )
    layout = _layout(title, "valence (−1 … 1)", "turn (sequence number)")
    layout["yaxis"]["range"] = [-1.1, 1.1]
    return {"data": data, "layout": layout}


def _gap(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None else a - b


def lift_bars(
    title: str,
    labels: Sequence[Any],
    diffs: Sequence[float | None],
    lows: Sequence[float | None],
    highs: Sequence[float | None],
) -> Figure:
    """Lift per KPI with its (possibly asymmetric) confidence interval as error bars
    (an undefined figure, ``None``, draws no bar or whisker)."""
    trace = {
        "type": "bar",
        "name": "lift",
        "x": list(labels),
        "y": list(diffs),
        "marker": {"color": BLUE},
        "error_y": {
            "type": "data",
            "symmetric": False,
            "visible": True,
            "array": [_gap(h, d) for h, d in zip(highs, diffs, strict=True)],
            "arrayminus": [_gap(d, lo) for d, lo in zip(diffs, lows, strict=True)],
        },
    }
    return {"data": [trace], "layout": _layout(title, "treatment − control")}
