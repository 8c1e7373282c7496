"""Reading back a table sheet of the dashboard's downloads (test helper): its header is the row repeated
on every printed page, its data rows the ones under it."""

from __future__ import annotations


def header_row(sheet) -> int:
    first, last = sheet.print_title_rows.replace("$", "").split(":")
    assert first == last
    return int(first)


def sheet_rows(sheet) -> list[list]:
    header = header_row(sheet)
    return [[cell.value for cell in row] for row in sheet.iter_rows(min_row=header + 1)]
