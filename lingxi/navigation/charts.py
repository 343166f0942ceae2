"""One chart spec, two drawings: an ECharts option for the interactive HTML report and a PNG (matplotlib, CJK font)
for the PDF and Word reports.

Spec kinds: bar, barh, line, bar_line, stacked (x + series), pie (items), path (points [x, y, year, incomplete]),
heatmap (rows × cols cells, drawn as a bubble matrix), citation_network (nodes with x = filing year and y = lane,
edges; the main path marked). `shade_from` greys the years hit by the publication lag;
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
    if kind == "citation_network":
        return _network_option(spec, base)
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


MAIN_COLOUR, OUTSIDE_COLOUR, EDGE_COLOUR = "#c9414b", "#9aa4ad", "#b9c2cc"


def _node_size(cited: int, most: int) -> float:
    """Symbol diameter in px, 6–22 by the square root of the times cited relative to the chart's most cited."""
    return 6 + 16 * (cited / most) ** 0.5 if most else 6


def _network_option(spec: dict[str, Any], base: dict[str, Any]) -> dict[str, Any]:
    """A graph series on a year axis (cartesian2d), so the drawing reads left to right in time like the PNG."""
    nodes, index = spec["nodes"], {n["id"]: i for i, n in enumerate(spec["nodes"])}
    years = [n["x"] for n in nodes]
    most = max((n["cited"] for n in nodes), default=0)
    data = []
    main_order = {n["id"]: j for j, n in enumerate(sorted((n for n in nodes if n["main"]), key=lambda n: n["x"]))}
    for n in nodes:
        colour = MAIN_COLOUR if n["main"] else PALETTE[0] if n["in_scope"] else OUTSIDE_COLOUR
        tip = f"{n['label']}<br/>{n['title']}<br/>{n['holder'] or ''} · {n['year'] or ''} · ↩ {n['cited']}"
        label = {"show": n["main"]}
        if n["main"]:  # alternate above / below, as in the PNG, so same-year neighbours stay readable
            label.update({"position": "top" if main_order[n["id"]] % 2 == 0 else "bottom", "rotate": 20})
        data.append({"name": n["label"], "value": [n["x"], n["y"]], "symbolSize": round(_node_size(n["cited"], most), 1),
                     "category": 0 if n["main"] else 1 if n["in_scope"] else 2,
                     "itemStyle": {"color": colour}, "tooltip": {"formatter": tip}, "label": label})
    legend = spec.get("legend") or ["main path", "in scope", "outside"]
    links = [{"source": index[e["source"]], "target": index[e["target"]],
              "lineStyle": {"color": MAIN_COLOUR if e["main"] else EDGE_COLOUR, "width": 2.5 if e["main"] else 0.8,
                            "opacity": 0.95 if e["main"] else 0.5}}
             for e in spec["edges"] if e["source"] in index and e["target"] in index]
    base["tooltip"] = {"trigger": "item"}
    # "__plain__": the report page swaps in a function printing the year as is (ECharts writes 2,015 otherwise)
    base["xAxis"] = {"type": "value", "min": int(min(years)) - 1, "max": int(max(years)) + 1, "interval": 1,
                     "axisLine": {"onZero": False}, "axisLabel": {"formatter": "__plain__"},
                     "splitLine": {"show": True, "lineStyle": {"opacity": 0.3}}}
    base["yAxis"] = {"type": "value", "show": False}
    base["legend"] = {"top": 0, "data": legend}
    base["series"] = [{"type": "graph", "coordinateSystem": "cartesian2d", "data": data, "links": links,
                       "categories": [{"name": name, "itemStyle": {"color": colour}} for name, colour in
                                      zip(legend, (MAIN_COLOUR, PALETTE[0], OUTSIDE_COLOUR))],
                       "edgeSymbol": ["none", "arrow"], "edgeSymbolSize": 5, "roam": False,
                       "label": {"position": "top", "fontSize": 9}, "emphasis": {"focus": "adjacency"}}]
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
    if kind == "citation_network":
        height = 4.2
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
    if kind == "citation_network":
        _draw_network(ax, spec)
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


def _draw_network(ax, spec: dict[str, Any]) -> None:
    """The conventional main-path picture: x = filing year, the main path along the middle line in red, the other
    most-cited applications stacked above and below their year, arrows from cited to citing."""
    from matplotlib.lines import Line2D

    at = {n["id"]: n for n in spec["nodes"]}
    most = max((n["cited"] for n in spec["nodes"]), default=0)
    for main in (False, True):  # the main path drawn last, on top
        for e in spec["edges"]:
            a, b = at.get(e["source"]), at.get(e["target"])
            if a is None or b is None or e["main"] != main:
                continue
            ax.annotate("", (b["x"], b["y"]), (a["x"], a["y"]),
                        arrowprops={"arrowstyle": "-|>", "color": MAIN_COLOUR if main else EDGE_COLOUR,
                                    "lw": 1.8 if main else 0.5, "alpha": 0.95 if main else 0.6,
                                    "shrinkA": 4, "shrinkB": 4, "mutation_scale": 7,
                                    "connectionstyle": "arc3,rad=0.08" if not main else "arc3,rad=0"})
    labelled = 0
    for n in sorted(spec["nodes"], key=lambda n: (n["x"], n["y"])):
        colour = MAIN_COLOUR if n["main"] else PALETTE[0] if n["in_scope"] else OUTSIDE_COLOUR
        ax.scatter(n["x"], n["y"], s=_node_size(n["cited"], most) ** 2 / 2.2, color=colour, zorder=3,
                   edgecolors="white", linewidths=0.5)
        if n["main"]:  # labels alternate above and below the line so neighbours in one year stay readable
            above = labelled % 2 == 0
            ax.annotate(n["label"], (n["x"], n["y"]), xytext=(0, 7 if above else -8), textcoords="offset points",
                        ha="left" if above else "right", va="bottom" if above else "top", fontsize=5.5,
                        rotation=30, color="#333")
            labelled += 1
    xs = [n["x"] for n in spec["nodes"]]
    years = sorted({int(round(x)) for x in xs})
    step = max(1, len(years) // 14)
    ax.set_xticks(years[::step], [str(y) for y in years[::step]])
    ax.set_xlim(min(xs) - 0.6, max(xs) + 0.6)
    ys = [n["y"] for n in spec["nodes"]]
    ax.set_ylim(min(ys) - 1, max(ys) + 1.5)
    ax.set_yticks([])
    ax.spines["left"].set_visible(False)
    ax.grid(axis="x", alpha=0.25)
    legend = spec.get("legend") or ["main path", "in scope", "outside"]
    ax.legend([Line2D([], [], marker="o", linestyle="", color=c) for c in (MAIN_COLOUR, PALETTE[0], OUTSIDE_COLOUR)],
              legend, frameon=False, fontsize=7, loc="upper left", ncols=3)
