"""A date field people can type the way Thai officials write dates, for any form that asks for one.

Why not `st.date_input`: its typed field takes only Common-era years (typing 2562 gives "Date set
outside allowed range") in the fixed formats YYYY/MM/DD, DD/MM/YYYY or MM/DD/YYYY, so a Buddhist-era
date cannot be typed into it at all. This is a text box read by thai_date_input (BE or CE, Thai
digits, Thai month names, ISO: the ETL's forms), and under it what was read, spelled out in both
calendars, or why it cannot be read, each time the box is left: before the form is saved.
"""

from __future__ import annotations

from datetime import date

import streamlit as st

from thai_date_input import DateTextError, describe, parse_date_text
from vocabulary import DATE_INPUT, word


def date_text_input(label: str, key: str, lang: str, earliest: date | None = None, latest: date | None = None) -> str:
    """Draw the field (its value kept in st.session_state[key], seed it there) and the echo under it;
    returns the text as typed (read it again with thai_date_input.parse_date_text when saving)."""
    text = st.text_input(
        label, key=key, placeholder=word(DATE_INPUT, "placeholder", lang), help=word(DATE_INPUT, "help", lang)
    )
    try:
        day = parse_date_text(text, earliest, latest)
    except DateTextError as error:
        st.error(error.message_th if lang == "th" else error.message_en, icon=":material/event_busy:")
        return text
    if day is not None:
        st.caption(f"{word(DATE_INPUT, 'read_as', lang)} {describe(day, lang)}")
    return text
