"""The smallest Streamlit app with the dashboard's page paths: the floor for first paint.

bench/bench_first_paint.py serves it beside dashboard.py from the same environment, so
"how long does a page take" can be compared with "how long does Streamlit itself take".
"""

import streamlit as st

PATHS = ["overview", "area", "lagging", "carryover", "reallocations", "assets", "data_quality", "weekly"]


def page(path: str):
    def draw() -> None:
        st.title(f"Hello {path}")
        st.write("สวัสดี — a page with a title and one line of text.")

    draw.__name__ = f"page_{path}"
    return draw


if __name__ == "__main__":  # `streamlit run` runs it as __main__; the bench only imports PATHS
    st.set_page_config(page_title="hello", layout="wide")
    st.navigation([st.Page(page(path), title=path, url_path=path, default=path == "overview") for path in PATHS]).run()
