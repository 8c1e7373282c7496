"""Exports of the weekly state: Excel workbook, PDF executive brief, CSV tables.

Every figure comes from the read side (`budget_metrics`) through `exports.tables`, so
the files agree with the dashboard for the same as-of date. Files are written under a
temporary name in the output folder and renamed into place (`exports.files`).
"""
