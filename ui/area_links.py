"""Choosing a province or cluster from outside the sidebar, and the links that do it.

A click on a map tile or a ranking bar selects the area in the sidebar (`request_area`, applied
before the widgets are drawn); a link to a page carries the sidebar's query parameters as they will
be once the area is chosen (`area_link_params`), and the page's own filters as last shown
(`page_link_params`), so that opening it writes nothing new to the URL and leaves one browser-history
entry. A province keeps a region and cluster that contain it and clears the others
(`_area_chosen`), from the reference data read once per published file (`_area_parents`).
"""

from __future__ import annotations

from functools import lru_cache

import streamlit as st

from budget_metrics import data_version, reference
from ui.kept_choices import ALL, GLOBAL_URL, PAGE_URL, PARAMS, _force, kept_choice


def _area_chosen(kind: str, code: str, region: str, cluster: str, province: str) -> dict[str, str] | None:
    """The sidebar's region, cluster and province (ALL for none) once one province or cluster is
    chosen: a region or cluster that does not contain it is cleared (so it stays among the offered
    options), a cluster choice clears the province. None for an unknown kind or code."""
    provinces, clusters = _area_parents(data_version())
    if kind == "province":
        if code not in provinces:
            return None
        own_region, own_cluster = provinces[code]
        province = code
        cluster = cluster if cluster in (ALL, own_cluster) else ALL
    elif kind == "cluster":
        if code not in clusters:
            return None
        own_region = clusters[code]
        cluster, province = code, ALL
    else:
        return None
    return {"region": region if region in (ALL, own_region) else ALL, "cluster": cluster, "province": province}


@lru_cache(maxsize=8)
def _area_parents(version: str) -> tuple[dict[str, tuple[str, str]], dict[str, str]]:
    """({province: (region, cluster)}, {cluster: region}) of the reference data, once per published file
    (the overview's tile map asks it for each of its 76 links)."""
    provinces = reference.provinces()
    clusters = reference.clusters()
    return (
        {
            code: (region, cluster)
            for code, region, cluster in zip(
                provinces["province_code"], provinces["region"], provinces["cluster_code"], strict=True
            )
        },
        dict(zip(clusters["cluster_code"], clusters["region"], strict=True)),
    )


def _set_area(kind: str, code: str) -> None:
    """Make the sidebar select one province or cluster (`_area_chosen`'s rule)."""
    before = {name: kept_choice(name, ALL) for name in ("region", "cluster", "province")}
    after = _area_chosen(kind, code, **before)
    for name, value in (after or {}).items():
        if value != before[name] or (name == kind):
            _force(name, value)


def request_area(kind: str, code: str) -> None:
    """Select a province or cluster (kind 'province' / 'cluster') in the sidebar.

    Safe anywhere: in a widget callback (before this run draws the sidebar) or in a page
    body followed by `st.switch_page` / `st.rerun` (the next run draws it).
    """
    _set_area(kind, code)


def area_link_params(kind: str, code: str) -> list[tuple[str, str]]:
    """The sidebar's query parameters as they will be once the province or cluster `code` (kind
    'province' / 'cluster') is chosen (`request_area`): what a link or page switch that chooses it
    carries, so that the page it opens writes nothing new to the URL (one history entry).

    Depends only on this view's sidebar choices (filters, language, mode), never on a page's own
    filters: a first screen's links may be drawn once for every session with the same view."""
    values = dict(st.session_state.get(GLOBAL_URL, {}))
    chosen = _area_chosen(
        kind, code, values.get("region") or ALL, values.get("cluster") or ALL, values.get("province") or ALL
    )
    if chosen is not None:
        values.update({name: value or None for name, value in chosen.items()})
    return [(name, values[name]) for name in PARAMS if values.get(name) is not None]


def page_link_params(page: str, area: tuple[str, str] | None = None) -> list[tuple[str, str]]:
    """The query parameters of a link to `page` (its url path): the sidebar's choices (with the
    province or cluster `area` = (kind, code) chosen, see `area_link_params`) and that page's own
    filters as they were last shown, so that opening it writes nothing new to the URL (one history
    entry per page switch)."""
    params = area_link_params(*area) if area is not None else list(st.session_state.get(GLOBAL_URL, {}).items())
    for name, value in st.session_state.get(PAGE_URL, {}).get(page, {}).items():
        if isinstance(value, list):
            params += [(name, item) for item in value]
        elif value is not None:
            params.append((name, value))
    return params
