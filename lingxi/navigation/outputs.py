"""A stored report in its three formats, made from the row's recorded figures (never from live data)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from lingxi.db.models import NavigationReport
from lingxi.errors import InvalidInput
from lingxi.navigation.document import build_document

FORMATS = {"html": "text/html; charset=utf-8", "pdf": "application/pdf",
           "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}


def report_record(row: NavigationReport) -> dict[str, Any]:
    return {"id": row.id, "type": row.report_type, "title": row.title, "scope": row.scope, "settings": row.settings,
            "data_version": row.data_version, "analyses": row.analyses, "figures_hash": row.figures_hash,
            "created_at": row.created_at.strftime("%Y-%m-%d %H:%M UTC") if row.created_at else None}


def render(row: NavigationReport, fmt: str, lang: str = "zh", standalone: bool = True) -> bytes:
    if fmt not in FORMATS:
        raise InvalidInput(f"format {fmt!r} is not one of {', '.join(FORMATS)}")
    if lang not in ("zh", "en"):
        raise InvalidInput(f"lang {lang!r} is not zh or en")
    doc = build_document(report_record(row), lang)
    if fmt == "html":
        from lingxi.navigation.render_html import render_html

        return render_html(doc, standalone=standalone).encode("utf-8")
    if fmt == "pdf":
        from lingxi.navigation.render_pdf import render_pdf

        return render_pdf(doc)
    from lingxi.navigation.render_docx import render_docx

    return render_docx(doc)


def file_name(row: NavigationReport, fmt: str) -> str:
    return f"navigation-{row.report_type}-{row.id}.{fmt}"


def write_files(row: NavigationReport, out_dir: Path, formats: tuple[str, ...], lang: str = "zh") -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for fmt in formats:
        path = out_dir / file_name(row, fmt)
        path.write_bytes(render(row, fmt, lang))
        written.append(path)
    return written
