"""Writes an organisation's follow-up report as a Word document, laid out the way Göteborg's
earlier tool and the offices' own templates lay it out: a cover, a typed table of contents with
dot leaders, numbered headings (`1 …`, `1.1.1 …`) in Word's heading styles, and per section a
two-column table «Uppföljningsfrågor | Svarsalternativ med kommentar» whose header row repeats
on every page; a page header with the city and the round, and «Sida N av M» in the footer.

Input is the report's content as Uppfölj writes it (the JSON attached to its PDFs), so the
tests can compare what they read back with what the document was made from.

`--style plain` writes the other template offices use: no borders, a serif typeface on US
Letter, columns of 40 and 60 per cent, paragraphs set apart by spacing rather than by empty
paragraphs, and a bare page number in the footer.

    python3 word_report.py SOURCE.json OUT.docx --city "Göteborgs Stad" [--style plain]
"""

import argparse
import json

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_TAB_ALIGNMENT, WD_TAB_LEADER, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt


def field(paragraph, instruction):
    """A Word field (PAGE, NUMPAGES) that LibreOffice fills in when it converts."""
    run = paragraph.add_run()
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    run._r.append(begin)
    run = paragraph.add_run()
    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = f" {instruction} "
    run._r.append(text)
    run = paragraph.add_run()
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    run._r.append(separate)
    paragraph.add_run("1")
    run = paragraph.add_run()
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run._r.append(end)


def repeat_header(row):
    """Marks a table row as the header Word repeats at the top of every page."""
    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def shade(cell, colour):
    properties = cell._tc.get_or_add_tcPr()
    fill = OxmlElement("w:shd")
    fill.set(qn("w:val"), "clear")
    fill.set(qn("w:color"), "auto")
    fill.set(qn("w:fill"), colour)
    properties.append(fill)


def add(cell, text, plain):
    """A paragraph in a cell: after an empty one in the grid style, spaced in the plain one."""
    if plain:
        paragraph = cell.add_paragraph(text)
        paragraph.paragraph_format.space_before = Pt(9)
    else:
        cell.add_paragraph("")
        cell.add_paragraph(text)


def write_row(table, row, plain):
    cells = table.add_row().cells
    left, right = cells
    question = left.paragraphs[0]
    question.add_run(row["text"]).bold = True
    if row.get("audience"):
        question.add_run(f" ({row['audience']})")
    for paragraph in row.get("guidance", []):
        add(left, paragraph, plain)
    answer = right.paragraphs[0]
    if row.get("answer"):
        answer.add_run(row["answer"]).bold = True
        for paragraph in filter(None, row.get("comment", "").split("\n\n")):
            add(right, paragraph, plain)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("source")
    parser.add_argument("out")
    parser.add_argument("--city", default="Exempelstaden")
    parser.add_argument("--style", choices=["grid", "plain"], default="grid")
    args = parser.parse_args()
    plain = args.style == "plain"
    with open(args.source, encoding="utf-8") as f:
        report = json.load(f)

    document = Document()
    section = document.sections[0]
    if plain:
        section.page_height, section.page_width = Cm(27.94), Cm(21.59)
        section.left_margin = section.right_margin = Cm(2.0)
    else:
        section.page_height, section.page_width = Cm(29.7), Cm(21.0)
        section.left_margin = section.right_margin = Cm(2.5)
    section.different_first_page_header_footer = True
    normal = document.styles["Normal"]
    normal.font.name = "Times New Roman" if plain else "Calibri"
    normal.font.size = Pt(12 if plain else 11)

    header = section.header.paragraphs[0]
    header.text = args.city if plain else f"{args.city}\t\t{report['round']}"
    footer = section.footer.paragraphs[0]
    if plain:
        field(footer, "PAGE")
    else:
        footer.add_run("Sida ")
        field(footer, "PAGE")
        footer.add_run(" av ")
        field(footer, "NUMPAGES")

    cover = document.add_paragraph()
    cover.paragraph_format.space_before = Pt(180)
    cover.add_run(args.city).font.size = Pt(14)
    title = document.add_paragraph()
    title.add_run(f"{report['round']} – {report['organisation']}").font.size = Pt(24)
    document.add_paragraph("Uppföljning av styrande dokument")
    document.add_paragraph(f"Utskriven {report['printed']}")
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    document.add_paragraph("Innehåll", style="Heading 1")
    headings = [line for line in report["lines"] if line["kind"] == "heading"]
    for number, line in enumerate(headings):
        entry = document.add_paragraph()
        entry.paragraph_format.left_indent = Cm(0.6 * (line["level"] - 1))
        entry.paragraph_format.tab_stops.add_tab_stop(
            Cm(16), WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS
        )
        entry.add_run(f"{line['number']} {line['text']}\t{3 + number // 4}")
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    for line in report["lines"]:
        if line["kind"] == "heading":
            style = f"Heading {min(line['level'], 9)}"
            document.add_paragraph(f"{line['number']} {line['text']}", style=style)
            continue
        table = document.add_table(rows=1, cols=2)
        if not plain:
            table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        head = table.rows[0]
        repeat_header(head)
        for cell, text in zip(head.cells, ["Uppföljningsfrågor", "Svarsalternativ med kommentar"]):
            cell.paragraphs[0].add_run(text).bold = True
            if not plain:
                shade(cell, "D9E2F3")
        for row in line["rows"]:
            write_row(table, row, plain)
        if plain:
            width = section.page_width - section.left_margin - section.right_margin
            for row in table.rows:
                row.cells[0].width = int(width * 0.4)
                row.cells[1].width = int(width * 0.6)
        document.add_paragraph("")

    document.save(args.out)


if __name__ == "__main__":
    main()
