"""Dashboard presentation helpers shared by pages (layout only; numbers come from budget_metrics).

- `ui.context`:  `page_context()` -> PageContext(filters, lang, data_version, as_of_shown) with
  `t(thai, english)`, `money(baht)` ('1,234.57' million baht), `date(d)` (BE in Thai),
  `name(th, en)`, `million_baht` (unit label). Set by dashboard.py before each page runs.
- `ui.cache`:   `cached(fn, *args)` (st.cache_data keyed on data_version + arguments), `view_html`.
- `ui.cards`:   `KpiCard` / `kpi_cards`, `execution_kpi_cards` (the headline cards).
- `ui.columns`: `ColumnSpec`, `money_column` / `percent_column` / `money_frame` for tables.
- `ui.downloads`: `download_buttons(frame, stem)` (CSV UTF-8 BOM + Excel), the files' names and titles.
- `ui.tables`:  `data_table` (localised table + downloads), `project_grid`, `first_rows`;
  `ui.project_detail`, `ui.line_tables` (both target lines), `ui.snapshot_tables` (weekly changes).
- `ui.page_shell`: `no_data()`, `missing_database()`, `render_safely(render)` (no tracebacks for
  viewers), `lazy_tabs`, `markdown_text`.
- `ui.charts`:   Plotly curves over time: `progress_curve`, `projection_fan`, the shared layout and
  date axis, and `plain(text)` to show input-file text in Plotly as text, never markup.
- `ui.map_bar_charts`: Plotly bars and map: `gap_ranking`, `tile_map`, `split_bars`, `add_bar_totals`.
- `ui.light`:    light HTML for first screens (`STYLE`, cards, lists, figures, tables);
  `ui.light_status`: a target line's card, the province tile map, the pace-break warning.
- `ui.labels`:   (thai, english) labels and colours for statuses, budget and plan types.
- `ui.controls`: the global sidebar controls and their URL sync (used by dashboard.py), kept
  language-neutral so a language or page switch keeps them (the kept choices, their widgets' keys
  and the link notices: `ui.kept_choices`); `ui.area_links`: `request_area(kind, code)` to
  select a province / cluster in the sidebar (a map or ranking click) and the links that carry it;
  `ui.page_filters`: `page_choice(...)` / `page_text(...)` for a page's own filters, kept in the URL
  while the page shows.
"""
