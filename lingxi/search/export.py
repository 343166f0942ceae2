"""A result set exported to CSV (UTF-8 with BOM, so Excel shows Chinese) or Excel (.xlsx, openpyxl).

Exports run the same request page by page, so what is exported is exactly what the operator searched for.
"""

from __future__ import annotations

import csv
import html
import re
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

from lingxi.search.service import MAX_PAGE_SIZE, SearchHit, SearchRequest, SearchService

COLUMNS = ("rank", "publication_number", "title", "applicants", "application_date", "publication_date",
           "doc_type", "country", "score", "highlight")
HEADERS = ("序号 rank", "公开号 publication number", "标题 title", "申请人 applicants", "申请日 application date",
           "公开日 publication date", "类型 type", "国家 country", "得分 score", "命中 highlight")
_TAG = re.compile(r"</?mark>")


def export_hits(service: SearchService, request: SearchRequest, limit: int = 10_000) -> Iterator[tuple]:
    """Rows of the result set, in rank order, at most `limit`."""
    page, rank = 1, 0
    while rank < limit:
        size = min(MAX_PAGE_SIZE, limit - rank)
        response = service.search(replace(request, page=page, page_size=size, facets=False))
        for hit in response.hits:
            rank += 1
            yield _row(rank, hit)
        if len(response.hits) < size:
            return
        page += 1


def _row(rank: int, hit: SearchHit) -> tuple:
    snippet = hit.highlights.get("abstract") or hit.highlights.get("title") or hit.highlights.get("claims") or ""
    return (rank, hit.publication_number, hit.title, "; ".join(hit.applicants), hit.application_date or "",
            hit.publication_date or "", hit.doc_type or "", hit.country or "", hit.score,
            html.unescape(_TAG.sub("", snippet)))


def export_csv(service: SearchService, request: SearchRequest, path: Path, limit: int = 10_000) -> int:
    count = 0
    with path.open("w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADERS)
        for row in export_hits(service, request, limit):
            writer.writerow(row)
            count += 1
    return count


def export_xlsx(service: SearchService, request: SearchRequest, path: Path, limit: int = 10_000) -> int:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("results 检索结果")
    sheet.append(list(HEADERS))
    count = 0
    for row in export_hits(service, request, limit):
        sheet.append(list(row))
        count += 1
    info = workbook.create_sheet("query 检索式")
    bold = Font(bold=True)
    from openpyxl.cell import WriteOnlyCell

    for label, value in (("query", request.query), ("mode", request.mode), ("filters", request.filters or ""),
                         ("sort", request.sort), ("rows", count)):
        cell = WriteOnlyCell(info, value=label)
        cell.font = bold
        info.append([cell, value])
    workbook.save(path)
    return count
