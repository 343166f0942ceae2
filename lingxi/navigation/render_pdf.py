"""The PDF report: the print template (cover, contents with page numbers, numbered sections, captioned figures and
tables, running header and page numbers) laid out by WeasyPrint, charts as matplotlib PNGs, Chinese in WenQuanYi."""

from __future__ import annotations

import base64
from typing import Any

from lingxi.navigation.charts import png
from lingxi.navigation.render_html import environment


def chart_images(doc: dict[str, Any]) -> None:
    """Draw every chart once (PNG bytes on the spec); the PDF and Word renderers share them."""
    for section in doc["sections"]:
        for chart in section["charts"]:
            if "png" not in chart:
                chart["png"] = png(chart)


def print_html(doc: dict[str, Any]) -> str:
    chart_images(doc)
    for section in doc["sections"]:
        for chart in section["charts"]:
            chart["png_b64"] = base64.b64encode(chart["png"]).decode("ascii")
    return environment().get_template("report_print.html").render(doc=doc)


def render_pdf(doc: dict[str, Any]) -> bytes:
    from weasyprint import HTML

    return HTML(string=print_html(doc)).write_pdf()
