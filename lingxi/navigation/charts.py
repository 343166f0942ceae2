"""One chart spec, two drawings: an ECharts option for the interactive HTML report and a PNG (matplotlib, CJK font)
for the PDF and Word reports.

Spec kinds: bar, barh, line, bar_line, stacked (x + series), pie (items), path (points [x, y, year, incomplete]),
heatmap (rows × cols cells, drawn as a bubble matrix). `shade_from` greys the years hit by the publication lag;
`ref_line` draws a horizontal reference (RTA = 1).
"""

from __future__ import annotations

import io
from functools import lru_cache
from typing import Any

PALETTE = ["#1f5fa8", "#e07b39", "#3a9d5d", "#c9414b", "#7d5ba6", "#2aa1b3", "#b08a2e", "#6b7b8c"]
CJK_FAMILIES = ("WenQuanYi Micro Hei", "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "SimHei",
                "Microsoft YaHei", "PingFang SC")


# --- ECharts --------------------------------------------------------------------------------------------------------

def echarts_option(spec: dict[str, Any]) -> dict[str, Any]:
    kind = spec["kind"]
    base: dict[str, Any] = {"color": PALETTE, "tooltip": {"trigger": "item" if kind in ("pie", "path", "heatmap")
                                                                     else "axis"},
                            "grid": {"left": 60, "right": 30, "top": 40, "bottom": 50, "containLabel": True}}
    if kind == "pie":
        base["series"] = [{"type": "pie", "radius": ["35%", "65%"], "data": spec["items"],
                           "label": {"formatter": "{b}: {d}%"}}]
        return base
    if kind == "path":
        points = spec["points"]
        base["xAxis"] = {"type": "value", "name": spec["x_name"]}
        base["yAxis"] = {"type": "value", "name": spec["y_name"]}
        base["series"] = [{"type": "line", "data": [[p[0], p[1], p[2]] for p in points], "symbolSize": 9,
                           "label": {"show": True, "formatter": "{@[2]}", "fontSize": 9}}]
        return base
    if kind == "heatmap":
        data = [[j, i, spec["cells"][i][j]] for i in range(len(spec["rows"])) for j in range(len(spec["cols"]))
                if spec["cells"][i][j]]
        top = max((d[2] for d in data), default=1)
        base["xAxis"] = {"type": "category", "data": spec["cols"], "axisLabel": {"rotate": 30}}
        base["yAxis"] = {"type": "category", "data": spec["rows"]}
        base["series"] = [{"type": "scatter", "data": data, "symbolSize": f"__bubble__{top}",
                           "label": {"show": True, "formatter": "{@[2]}"}}]
        return base
    horizontal = kind == "barh"
    category = {"type": "category", "data": spec["x"], "axisLabel": {"interval": 0, "rotate": 0 if horizontal else 30}}
    if horizontal:
        category["inverse"] = True
    value = {"type": "value"}
    base["xAxis"], base["yAxis"] = (value, category) if horizontal else (category, value)
    base["legend"] = {"top": 0}
    series = []
    for s in spec["series"]:
        item = {"name": s["name"], "type": s.get("type", "line" if kind == "line" else "bar"), "data": s["data"]}
        if kind == "stacked":
            item["stack"] = "all"
        series.append(item)
    if spec.get("shade_from") is not None and spec["x"] and spec["x"][-1] >= spec["shade_from"]:
        series[0]["markArea"] = {"itemStyle": {"color": "rgba(160,160,160,0.2)"},
                                 "data": [[{"xAxis": str(max(spec["shade_from"], spec["x"][0]))},
                                           {"xAxis": str(spec["x"][-1])}]]}
    if spec.get("ref_line") is not None:
        series[0]["markLine"] = {"symbol": "none", "data": [{"yAxis": spec["ref_line"]}]}
    base["series"] = series
    return base


# --- matplotlib -----------------------------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def cjk_font() -> str | None:
    """The family name of an installed CJK font (fonts-wqy-microhei in the Makefile), or None."""
    from matplotlib import font_manager

    installed = {f.name for f in font_manager.fontManager.ttflist}
    for family in CJK_FAMILIES:
        if family in installed:
            return family
    for path in font_manager.findSystemFonts():
        if "wqy" in path.lower() or "cjk" in path.lower():
            font_manager.fontManager.addfont(path)
            return font_manager.FontProperties(fname=path).get_name()
    return None


def png(spec: dict[str, Any], width: float = 6.4, height: float = 3.4, dpi: int = 150) -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    font = cjk_font()
    rc = {"font.size": 8.5, "axes.spines.top": False, "axes.spines.right": False, "axes.titlesize": 9.5,
          "svg.hashsalt": "lingxi", "axes.unicode_minus": False}
    if font:
        rc["font.family"] = [font, "DejaVu Sans"]
    kind = spec["kind"]
    if kind == "barh":
        height = max(1.5, 0.3 * len(spec["x"]) + 0.9)
    if kind == "heatmap":
        height = max(height, 0.32 * len(spec["rows"]) + 1.4)
    with plt.rc_context(rc):
        fig, ax = plt.subplots(figsize=(width, height), dpi=dpi)
        _draw(ax, spec)
        fig.tight_layout()
        out = io.BytesIO()
        fig.savefig(out, format="png", metadata={"Software": None})
        plt.close(fig)
    return out.getvalue()


def _draw(ax, spec: dict[str, Any]) -> None:
    kind = spec["kind"]
    if kind == "pie":
        items = spec["items"]
        ax.pie([i["value"] for i in items], labels=[i["name"] for i in items], colors=PALETTE[:len(items)],
               autopct="%1.1f%%", startangle=90, counterclock=False, wedgeprops={"width": 0.45})
        ax.axis("equal")
        return
    if kind == "path":
        points = spec["points"]
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        ax.plot(xs, ys, "-o", color=PALETTE[0], markersize=3.5, linewidth=1)
        for x, y, year, incomplete in points:
            ax.annotate(str(year), (x, y), fontsize=6.5, xytext=(3, 3), textcoords="offset points",
                        color="#999" if incomplete else "#333")
        ax.set_xlabel(spec["x_name"])
        ax.set_ylabel(spec["y_name"])
        ax.grid(alpha=0.25)
        return
    if kind == "heatmap":
        rows, cols, cells = spec["rows"], spec["cols"], spec["cells"]
        top = max((c for row in cells for c in row), default=1) or 1
        for i, row in enumerate(cells):
            for j, c in enumerate(row):
                if c:
                    ax.scatter(j, i, s=40 + 900 * c / top, color=PALETTE[0], alpha=0.55, edgecolors="none")
                    ax.annotate(str(c), (j, i), ha="center", va="center", fontsize=7)
        ax.set_xticks(range(len(cols)), cols, rotation=30, ha="right")
        ax.set_yticks(range(len(rows)), rows)
        ax.set_xlim(-0.6, len(cols) - 0.4)
        ax.set_ylim(len(rows) - 0.4, -0.6)
        ax.grid(alpha=0.2)
        return
    labels = [str(x) for x in spec["x"]]
    positions = list(range(len(labels)))
    if kind == "barh":
        values = spec["series"][0]["data"]
        ax.barh(positions, values, color=PALETTE[0], height=0.6)
        ax.set_yticks(positions, labels)
        ax.invert_yaxis()
        for p, v in zip(positions, values):
            ax.annotate(f"{v:,}", (v, p), xytext=(3, 0), textcoords="offset points", va="center", fontsize=7)
        ax.grid(axis="x", alpha=0.25)
        return
    bottoms = [0.0] * len(labels)
    bars = [s for s in spec["series"] if s.get("type", "line" if kind == "line" else "bar") == "bar"]
    width = 0.8 / max(1, len(bars)) if kind != "stacked" else 0.6
    for n, s in enumerate(spec["series"]):
        color = PALETTE[n % len(PALETTE)]
        kind_of = s.get("type", "line" if kind == "line" else "bar")
        if kind == "stacked":
            ax.bar(positions, s["data"], 0.6, bottom=bottoms, color=color, label=s["name"])
            bottoms = [b + v for b, v in zip(bottoms, s["data"])]
        elif kind_of == "bar":
            index = bars.index(s)
            offset = (index - (len(bars) - 1) / 2) * width
            ax.bar([p + offset for p in positions], s["data"], width, color=color, label=s["name"])
        else:
            ax.plot(positions, s["data"], "-o", color=color, markersize=3, linewidth=1.4, label=s["name"])
    if spec.get("shade_from") is not None:
        first = next((i for i, x in enumerate(spec["x"]) if x >= spec["shade_from"]), None)
        if first is not None:
            ax.axvspan(first - 0.5, len(labels) - 0.5, color="#999", alpha=0.15, linewidth=0)
    if spec.get("ref_line") is not None:
        ax.axhline(spec["ref_line"], color="#c9414b", linewidth=0.8, linestyle="--")
    step = max(1, len(labels) // 16)
    ax.set_xticks(positions[::step], labels[::step], rotation=30 if max(map(len, labels), default=0) > 4 else 0,
                  ha="right" if max(map(len, labels), default=0) > 4 else "center")
    ax.grid(axis="y", alpha=0.25)
    if len(spec["series"]) > 1:
        ax.legend(frameon=False, fontsize=7.5, ncols=min(4, len(spec["series"])))
