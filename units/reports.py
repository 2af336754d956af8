"""Tabular exports shared by every app (units is the base app, so all may import it)."""

from __future__ import annotations

import datetime
import io
from collections.abc import Iterable, Sequence
from urllib.parse import quote

from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Lists show dates as dd/mm/yyyy (DOMAIN.md); Excel keeps them real dates, only displayed that way.
XLSX_DATE_FORMAT = "DD/MM/YYYY"
XLSX_DATETIME_FORMAT = "DD/MM/YYYY HH:MM"


def attachment(content: bytes, content_type: str, filename: str, inline: bool = False) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    disposition = "inline" if inline else "attachment"
    # RFC 5987 so Vietnamese file names survive every browser.
    response["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{quote(filename)}"
    return response


def xlsx_bytes(
    title: str,
    headers: Sequence[str],
    rows: Iterable[Sequence],
    heading: str | None = None,
    widths: Sequence[int] | None = None,
) -> bytes:
    """One sheet: optional heading line, a bold header row frozen under it, then the rows (dates as dd/mm/yyyy)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = title[:31]
    if heading:
        ws.append([heading])
        ws.cell(row=1, column=1).font = Font(bold=True, size=13)
    ws.append(list(headers))
    header_row = ws.max_row
    for col in range(1, len(headers) + 1):
        cell = ws.cell(row=header_row, column=col)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDE7F0")
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    ws.freeze_panes = f"A{header_row + 1}"  # a string: ws.cell() would create a row
    for row in rows:
        values = list(row)
        ws.append(values)
        for col, value in enumerate(values, start=1):
            if isinstance(value, datetime.date):
                date_format = XLSX_DATETIME_FORMAT if isinstance(value, datetime.datetime) else XLSX_DATE_FORMAT
                ws.cell(row=ws.max_row, column=col).number_format = date_format
    for index, header in enumerate(headers, start=1):
        width = widths[index - 1] if widths else max(12, min(50, len(str(header)) + 4))
        ws.column_dimensions[get_column_letter(index)].width = width
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def pdf_bytes(template: str, context: dict) -> bytes:
    """Render a template to PDF with WeasyPrint (fonts from the system: Liberation Serif for Times)."""
    from weasyprint import HTML

    html = render_to_string(template, context)
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
