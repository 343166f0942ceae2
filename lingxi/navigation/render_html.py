"""The interactive HTML report: every chart an ECharts option. A standalone file carries the ECharts script inside
itself (copied from the platform's /static/vendor, never a CDN), so it opens offline; the web page links the script
from /static/vendor instead."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from lingxi.navigation.charts import echarts_option

TEMPLATES = Path(__file__).resolve().parent.parent / "web" / "templates" / "navigation"
ECHARTS = Path(__file__).resolve().parent.parent / "web" / "static" / "vendor" / "echarts.min.js"


@lru_cache(maxsize=1)
def environment() -> Environment:
    return Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]))


def render_html(doc: dict[str, Any], standalone: bool = True, echarts_url: str = "/static/vendor/echarts.min.js"
                ) -> str:
    for section in doc["sections"]:
        for chart in section["charts"]:
            chart["option"] = echarts_option(chart)
    inline = ECHARTS.read_text(encoding="utf-8") if standalone else None
    return environment().get_template("report_standalone.html").render(doc=doc, echarts_inline=inline,
                                                                       echarts_url=echarts_url)
