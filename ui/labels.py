"""Display labels (Thai, English) and colours shared by every page.

Each mapping is code -> (thai, english); use `label(mapping, code, lang)`.
Colours for gap status follow a traffic light; grey means no projects.
"""

from __future__ import annotations

STATUS_LABELS: dict[str, tuple[str, str]] = {
    "on_track": ("ตามเป้าหมาย", "On track"),
    "watch": ("เฝ้าระวัง", "Watch"),
    "behind": ("ล่าช้ากว่าเป้าหมาย", "Behind"),
    "no_data": ("ไม่มีข้อมูล", "No data"),
}

STATUS_COLORS: dict[str, str] = {
    "on_track": "#2e7d32",
    "watch": "#f9a825",
    "behind": "#c62828",
    "no_data": "#bdbdbd",
}

# Short forms for narrow table cells (the exports' wording).
STATUS_SHORT: dict[str, tuple[str, str]] = {
    "on_track": ("ตามเป้า", "On track"),
    "watch": ("เฝ้าระวัง", "Watch"),
    "behind": ("ล่าช้า", "Behind"),
    "no_data": ("-", "-"),
}

# Colour names for Streamlit's markdown badges (":red-badge[...]"), matching STATUS_COLORS.
STATUS_BADGES: dict[str, str] = {
    "on_track": "green",
    "watch": "orange",
    "behind": "red",
    "no_data": "gray",
}

BUDGET_TYPE_LABELS: dict[str, tuple[str, str]] = {
    "operating": ("งบดำเนินงาน", "Operating"),
    "investment": ("งบลงทุน", "Investment"),
    "other": ("งบรายจ่ายอื่น / เงินอุดหนุน", "Other"),
}

PLAN_TYPE_LABELS: dict[str, tuple[str, str]] = {
    "all": ("ทั้งแผนจังหวัดและกลุ่มจังหวัด", "Province and cluster plans"),
    "province": ("แผนพัฒนาจังหวัด", "Province plans"),
    "cluster": ("แผนพัฒนากลุ่มจังหวัด", "Cluster plans"),
}

OWNER_TYPE_LABELS: dict[str, tuple[str, str]] = {
    "province": ("จังหวัด", "Province"),
    "cluster": ("กลุ่มจังหวัด", "Cluster"),
}

ALL_LABEL = ("ทั้งหมด", "All")
NO_DATA_LABEL = ("ไม่มีข้อมูล", "No data")
MILLION_BAHT = ("ล้านบาท", "million baht")


def label(mapping: dict[str, tuple[str, str]], code: str | None, lang: str) -> str:
    """The label of a code in the language ('th' / 'en'); the code itself if unknown."""
    if code is None:
        return ALL_LABEL[0 if lang == "th" else 1]
    pair = mapping.get(code)
    if pair is None:
        return str(code)
    return pair[0] if lang == "th" else pair[1]


def pick(pair: tuple[str, str], lang: str) -> str:
    """One side of a (thai, english) pair."""
    return pair[0] if lang == "th" else pair[1]
