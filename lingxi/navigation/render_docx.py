"""The Word (.docx) report: cover, a contents list, numbered headings, the charts as
PNG images with captions, tables in a banded style, page numbers in the footer; East-Asian text set in a CJK font."""

from __future__ import annotations

import io
from typing import Any

from lingxi.navigation.render_pdf import chart_images

CJK = "Microsoft YaHei"  # Word's usual CJK face; LibreOffice/WPS substitute their own
BLUE = (0x1F, 0x5F, 0xA8)


def _east_asian(run, font: str = CJK) -> None:
    from docx.oxml.ns import qn

    rpr = run._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(fonts)
    fonts.set(qn("w:eastAsia"), font)


def _field(paragraph, instruction: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    run = paragraph.add_run()
    for tag, attrs in (("w:fldChar", {"w:fldCharType": "begin"}), ("w:instrText", None),
                       ("w:fldChar", {"w:fldCharType": "end"})):
        element = OxmlElement(tag)
        if attrs:
            for k, v in attrs.items():
                element.set(qn(k), v)
        else:
            element.set(qn("xml:space"), "preserve")
            element.text = instruction
        run._r.append(element)


def render_docx(doc: dict[str, Any]) -> bytes:
    from docx import Document
    from docx.enum.section import WD_SECTION
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
    from docx.shared import Cm, Pt, RGBColor

    chart_images(doc)
    zh = doc["lang"] == "zh"
    word = Document()
    word.core_properties.title = doc["title"]
    word.core_properties.author = "Lingxi 灵犀"
    from docx.oxml.ns import qn

    for style_name in ("Normal", "Heading 1", "Heading 2", "Title", "Caption"):
        style = word.styles[style_name]
        style.font.name = "Arial"
        rpr = style.element.get_or_add_rPr()
        fonts = rpr.find(qn("w:rFonts"))
        if fonts is None:
            fonts = rpr.makeelement(qn("w:rFonts"), {})
            rpr.append(fonts)
        fonts.set(qn("w:eastAsia"), CJK)
    word.styles["Normal"].font.size = Pt(10.5)
    section = word.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.left_margin = section.right_margin = Cm(2.2)

    # cover
    kind = word.add_paragraph()
    kind.paragraph_format.space_before = Pt(120)
    r = kind.add_run(doc["type_label"])
    r.font.size, r.font.color.rgb, r.bold = Pt(14), RGBColor(*BLUE), True
    title = word.add_paragraph()
    r = title.add_run(doc["title"])
    r.font.size, r.bold = Pt(24), True
    std = word.add_paragraph()
    std.add_run(f"{'依据' if zh else 'Following'} {doc['standard']}-2020 《专利导航指南》").font.size = Pt(11)
    meta = word.add_table(rows=0, cols=2)
    meta.style = "Light List Accent 1"
    for k, v in doc["meta"]:
        cells = meta.add_row().cells
        cells[0].text, cells[1].text = str(k), str(v)
    word.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    # contents
    heading = word.add_paragraph()
    r = heading.add_run("目录" if zh else "Contents")
    r.font.size, r.bold = Pt(16), True
    for s in doc["sections"]:
        word.add_paragraph(f"{s['number']}  {s['title']}")

    body = word.add_section(WD_SECTION.NEW_PAGE)
    footer = body.footer
    footer.is_linked_to_previous = False
    p = footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.add_run("第 " if zh else "Page ")
    _field(p, "PAGE")
    p.add_run(" 页" if zh else "")

    figure_word, table_word = ("图", "表") if zh else ("Figure", "Table")
    for s in doc["sections"]:
        word.add_heading(f"{s['number']}  {s['title']}", level=1)
        for text in s["paragraphs"]:
            word.add_paragraph(text, style="List Bullet")
        for c in s["charts"]:
            picture = word.add_paragraph()
            picture.alignment = WD_ALIGN_PARAGRAPH.CENTER
            picture.add_run().add_picture(io.BytesIO(c["png"]), width=Cm(16))
            caption = word.add_paragraph(f"{figure_word} {c['number']}  {c['title']}", style="Caption")
            caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
            if c.get("note"):
                caption.add_run(f"\n{c['note']}").font.size = Pt(8)
        for t in s["tables"]:
            caption = word.add_paragraph(f"{table_word} {t['number']}  {t['caption']}", style="Caption")
            caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
            table = word.add_table(rows=1, cols=len(t["columns"]))
            table.style = "Light Grid Accent 1"
            for cell, text in zip(table.rows[0].cells, t["columns"]):
                cell.text = str(text)
            for row in t["rows"]:
                for cell, value in zip(table.add_row().cells, row):
                    cell.text = str(value)
            for row in table.rows:
                for cell in row.cells:
                    for para in cell.paragraphs:
                        for run in para.runs:
                            run.font.size = Pt(8.5)
            word.add_paragraph()
    out = io.BytesIO()
    word.save(out)
    return out.getvalue()
