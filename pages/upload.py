"""Upload data (อัปโหลดข้อมูล): province, cluster and admin users bring their own files.

The files go through the same ETL path as `python -m etl load` (etl.load.load_files: the
same writer lock, the same checks and rejects, the same atomic publish), with one more
check for province and cluster users: rows for a province or cluster outside their area
are rejected with the reason `not_your_area` (the access rules, appstore.upload_area).
Each file is recorded in the application store (who, file name, SHA-256, load ids). The
published file is picked up by every session on its next interaction. Viewers are told who
may upload. Files larger than BUDGET_UPLOAD_MAX_MB (settings.py) are refused before loading,
with the reason in the page's language (the one limit the page states).

What Streamlit draws in English and does not let us set — the picker's "Upload" button and its
"200MB per file" line — is replaced by the page's own words through CSS (`picker_style`); a
refused file gets its own error box with the whole reason, e.g. the ETL's "ดูเหมือนไฟล์ Excel
(.xlsx) — it looks like an Excel workbook" for a workbook named .csv.

While the application store cannot be reached, nothing is loaded: the user's right cannot be read
and the upload could not be recorded, so Load says so and keeps the chosen files for another try
(the store is checked again, with the user's role, right before loading).
"""

from __future__ import annotations

import logging
import re
import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

import appstore
import settings
from appstore.uploads import sha256_of
from appstore.users import current
from budget_metrics.formatting import format_datetime
from budget_metrics.quality import rejected_rows
from etl.readers import SUPPORTED_SUFFIXES
from ui import light
from ui.auth import principal, role_text
from ui.context import PageContext, page_context
from ui.page_shell import markdown_text, render_safely
from vocabulary import STORE_OUTAGE, word

log = logging.getLogger(__name__)

K_OUTCOME = "upload_outcome"  # what the last upload became, shown after the rerun that reads the new file

RESULT_COLUMNS = [
    ("file", "ไฟล์", "File"),
    ("sheet", "ชีต", "Sheet"),
    ("kind", "ชนิดข้อมูล", "Record kind"),
    ("load_id", "หมายเลขการโหลด", "Load id"),
    ("status_text", "ผล", "Outcome"),
    ("rows_read", "แถวที่อ่าน", "Rows read"),
    ("rows_loaded", "โหลดแล้ว (ใหม่ + แก้ไข)", "Loaded (new + updated)"),
    ("rows_unchanged", "เท่าเดิม", "Unchanged"),
    ("rows_rejected", "ถูกปฏิเสธ", "Rejected"),
    ("message", "หมายเหตุ", "Notes"),
]
STATUS_WORDS = {
    "loaded": ("โหลดแล้ว", "loaded"),
    "loaded_with_rejects": ("โหลดแล้ว มีแถวถูกปฏิเสธ", "loaded with rejects"),
    "unchanged": ("ไม่มีอะไรเปลี่ยน", "unchanged"),
    "refused": ("ปฏิเสธทั้งไฟล์", "refused"),
    "failed": ("ไม่สำเร็จ", "failed"),
}
NOT_LOADED = ("refused", "failed")  # a file (or sheet) of which nothing was loaded
REJECT_COLUMNS = [
    ("file_name", "ไฟล์", "File"),
    ("sheet", "ชีต", "Sheet"),
    ("row_number", "แถว", "Row"),
    ("column_name", "คอลัมน์", "Column"),
    ("bad_value", "ค่า", "Value"),
    ("reason", "เหตุผล", "Reason"),
]


def safe_name(name: str) -> str:
    """The uploaded file's own name without any folder part (names the load and its rejects)."""
    base = Path(name.replace("\\", "/")).name.strip()
    base = re.sub(r"[\x00-\x1f/]", "_", base)
    return base or "upload"


def area_words(who, ctx: PageContext) -> str:
    """Which rows the user may upload, in words."""
    if who.is_admin:
        return ctx.t("ทุกจังหวัดและกลุ่มจังหวัด", "every province and cluster")
    from budget_metrics import reference

    provinces = reference.provinces().set_index("province_code")
    clusters = reference.clusters().set_index("cluster_code")
    names = [
        ctx.name(provinces.loc[c, "name_th"], provinces.loc[c, "name_en"])
        for c in sorted(who.provinces)
        if c in provinces.index
    ]
    names += [
        ctx.name(clusters.loc[c, "name_th"], clusters.loc[c, "name_en"])
        for c in sorted(who.clusters)
        if c in clusters.index
    ]
    if who.role == "cluster":
        names = [ctx.t(f"{name} (รวมโครงการของจังหวัดในกลุ่ม)", f"{name} (and its provinces' projects)") for name in names]
    return ", ".join(names) or "-"


def _record(record, **arguments) -> int | None:
    """Record an upload in the application store; None when the store stopped answering after the
    load (the load itself stands: the page says it was not recorded, the log says why)."""
    try:
        return record(**arguments)
    except appstore.StoreUnavailable as error:
        log.warning(
            "upload of %s not recorded, store unavailable: %s", arguments.get("file_name"), error.__cause__ or error
        )
        return None


def _load(files, who, ctx: PageContext) -> None:
    """Refuse files over the size limit, load the others in one ETL run, record each upload."""
    limit = settings.upload_max_bytes()
    outcome: list[dict] = []
    accepted = []
    for upload in files:
        content = upload.getvalue()
        name = safe_name(upload.name)
        if len(content) > limit:
            size, most = f"{len(content) / 1e6:,.2f}", f"{limit / 1e6:g}"
            message = (
                f"ไฟล์ {name} มีขนาด {size} MB เกินกำหนด {most} MB — "
                f"{name} is {size} MB; files up to {most} MB are accepted"
            )
            _record(
                appstore.record_upload,
                principal=who,
                file_name=name,
                sha256=sha256_of(content),
                size_bytes=len(content),
                load_ids=[],
                status="refused",
                message=message,
            )
            outcome.append({"file": name, "error": message})
        else:
            accepted.append((name, content))
    if accepted:
        outcome += _run_etl(accepted, who, ctx)
    st.session_state[K_OUTCOME] = outcome


def _run_etl(accepted: list[tuple[str, bytes]], who, ctx: PageContext) -> list[dict]:
    from etl.load import load_files
    from etl.validate import AreaRule

    owners = appstore.upload_area(who)
    area = None if owners is None else AreaRule.of(owners)
    outcome = []
    with (
        tempfile.TemporaryDirectory(prefix="budget-upload-") as folder,
        st.status(ctx.t("กำลังโหลดข้อมูล…", "Loading…"), expanded=True) as status,
    ):
        paths = []
        for index, (name, content) in enumerate(accepted):
            path = Path(folder) / str(index) / name  # one folder each: two files may share a name
            path.parent.mkdir()
            path.write_bytes(content)
            paths.append(path)
        try:
            results = load_files(
                paths,
                area=area,
                on_wait=lambda message: status.write(message),
                on_step=lambda path, label: status.update(label=f"{path.name}: {label}"),
            )
        except Exception as error:  # noqa: BLE001 - a lock timeout or a failed publish: say it, record it
            status.update(label=ctx.t("โหลดไม่สำเร็จ", "The load failed"), state="error")
            message = f"{type(error).__name__}: {error}"
            for name, content in accepted:
                _record(
                    appstore.record_upload,
                    principal=who,
                    file_name=name,
                    sha256=sha256_of(content),
                    size_bytes=len(content),
                    load_ids=[],
                    status="failed",
                    message=message,
                )
                outcome.append({"file": name, "error": message})
            return outcome
        for path, (name, content) in zip(paths, accepted, strict=True):
            mine = [result for result in results if Path(result.file) == path]
            upload_id = _record(
                appstore.record_upload_results, principal=who, file_name=name, content=content, results=mine
            )
            outcome.append(
                {
                    "file": name,
                    "upload_id": upload_id,
                    "results": [{**result.as_dict(), "file": name} for result in mine],
                }
            )
        status.update(label=ctx.t("โหลดเสร็จแล้ว", "Loaded"), state="complete", expanded=False)
    return outcome


def _refusal(name: str, sheet: str | None, message: str, ctx: PageContext) -> str:
    """The whole reason a file (or one of its sheets) was not loaded, as markdown-safe text."""
    where = f"{name} ({ctx.t('ชีต', 'sheet')} {sheet})" if sheet else name
    return markdown_text(ctx.t(f"ไม่ได้โหลดไฟล์ {where}: {message}", f"{where} was not loaded: {message}"))


def _show_outcome(outcome: list[dict], ctx: PageContext) -> None:
    """What the last upload became: an error box with the whole reason for each file (or sheet)
    that was refused, then the table of what was loaded, its totals and the rejected rows."""
    st.subheader(ctx.t("ผลการโหลด", "What was loaded"))
    rows, load_ids = [], []
    for item in outcome:
        if "upload_id" in item and item["upload_id"] is None:  # loaded, but the store stopped answering
            st.warning(
                ctx.t(
                    f"โหลด {item['file']} แล้ว แต่บันทึกประวัติการอัปโหลดไม่ได้ (ระบบจัดเก็บไม่ตอบสนอง)",
                    f"{item['file']} was loaded, but the upload could not be recorded (the application "
                    "store is not answering)",
                ),
                icon=":material/cloud_off:",
            )
        if "error" in item:
            st.error(markdown_text(item["error"]), icon=":material/block:")
            continue
        for result in item["results"]:
            if result["status"] in NOT_LOADED:
                st.error(
                    _refusal(item["file"], result.get("sheet"), result.get("message") or "", ctx),
                    icon=":material/block:",
                )
                continue
            status = STATUS_WORDS.get(result["status"], (result["status"], result["status"]))
            rows.append(
                {
                    **result,
                    "status_text": ctx.t(*status),
                    "rows_loaded": result["rows_inserted"] + result["rows_updated"],
                }
            )
            load_ids.append(int(result["load_id"]))
    if rows:
        frame = pd.DataFrame(rows).fillna({"sheet": "", "kind": "", "message": ""})  # a CSV file has no sheet
        st.dataframe(
            pd.DataFrame({ctx.t(th, en): frame[key] for key, th, en in RESULT_COLUMNS}),
            hide_index=True,
            width="stretch",
            key="upload_results",
        )
        loaded = int(frame["rows_loaded"].sum())
        rejected = int(frame["rows_rejected"].sum())
        st.markdown(
            ctx.t(
                f"โหลดแล้ว **{loaded:,}** แถว · ถูกปฏิเสธ **{rejected:,}** แถว",
                f"**{loaded:,}** rows loaded · **{rejected:,}** rows rejected",
            )
        )
    rejects = (
        pd.concat([rejected_rows(load_id) for load_id in sorted(set(load_ids))], ignore_index=True)
        if load_ids
        else pd.DataFrame()
    )
    if len(rejects):
        st.markdown(ctx.t("**แถวที่ถูกปฏิเสธ**", "**Rejected rows**"))
        rejects = rejects.assign(
            reason=rejects["reason_th" if ctx.lang == "th" else "reason_en"], sheet=rejects["sheet"].fillna("")
        )
        st.dataframe(
            pd.DataFrame({ctx.t(th, en): rejects[key] for key, th, en in REJECT_COLUMNS}),
            hide_index=True,
            width="stretch",
            key="upload_rejects",
        )


def _recent(who, ctx: PageContext) -> None:
    try:
        uploads = appstore.list_uploads(50)
    except appstore.StoreUnavailable as error:
        log.warning("recent uploads cannot be read: %s", error.__cause__ or error)
        st.caption(word(STORE_OUTAGE, "recent_uploads", ctx.lang))
        return
    if not who.is_admin:
        uploads = uploads[uploads["uploaded_by"] == who.actor]
    with st.expander(ctx.t(f"การอัปโหลดล่าสุด ({len(uploads):,})", f"Recent uploads ({len(uploads):,})")):
        if uploads.empty:
            st.caption(ctx.t("ยังไม่มีการอัปโหลด", "No uploads yet"))
            return
        shown = pd.DataFrame(
            {
                ctx.t("เมื่อ", "When"): [
                    format_datetime(pd.Timestamp(t).tz_convert("Asia/Bangkok").tz_localize(None), ctx.lang)
                    for t in uploads["uploaded_at"]
                ],
                ctx.t("โดย", "By"): uploads["uploaded_by"],
                ctx.t("ไฟล์", "File"): uploads["file_name"],
                ctx.t("ผล", "Outcome"): [ctx.t(*STATUS_WORDS.get(s, (s, s))) for s in uploads["status"]],
                ctx.t("โหลดแล้ว", "Loaded"): uploads["rows_loaded"],
                ctx.t("ถูกปฏิเสธ", "Rejected"): uploads["rows_rejected"],
                ctx.t("หมายเลขการโหลด", "Load ids"): [", ".join(map(str, ids or [])) for ids in uploads["load_ids"]],
                "SHA-256": uploads["sha256"],
            }
        )
        st.dataframe(shown, hide_index=True, width="stretch")


def picker_style(limit_mb: float, ctx: PageContext) -> str:
    """CSS for the file picker (key `upload_files`): its button says "เลือกไฟล์" / "Choose files" instead
    of Streamlit's "Upload", and the line beside it gives our own size limit and file types instead of
    Streamlit's English "200MB per file" (neither text can be set through Streamlit's API)."""

    def css_text(value: str) -> str:
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'

    zone = '.st-key-upload_files [data-testid="stFileUploaderDropzone"]'
    button = ctx.t("เลือกไฟล์", "Choose files")
    hint = ctx.t(f"ไม่เกิน {limit_mb:g} MB ต่อไฟล์ · ", f"up to {limit_mb:g} MB per file · ") + ", ".join(
        suffix.lstrip(".").upper() for suffix in SUPPORTED_SUFFIXES
    )
    return (
        f'<style>{zone} button [data-testid="stMarkdownContainer"]{{display:none}}'
        f"{zone} button [data-has-shortcut]::after{{content:{css_text(button)}}}"
        f'{zone} [data-testid="stFileUploaderDropzoneInstructions"] span{{display:none}}'
        f'{zone} [data-testid="stFileUploaderDropzoneInstructions"] div::after{{content:{css_text(hint)};'
        "font-size:.875rem}</style>"
    )


def render() -> None:
    ctx = page_context()
    who = principal()
    st.title(ctx.t("อัปโหลดข้อมูล", "Upload data"))
    if who.unverified:  # signed in, but the store that holds the role cannot be read now
        st.warning(word(STORE_OUTAGE, "upload_rights", ctx.lang), icon=":material/cloud_off:")
        return
    if not who.can_write:
        st.info(
            ctx.t(
                "ผู้ใช้ระดับจังหวัด ผู้ใช้ระดับกลุ่มจังหวัด และผู้ดูแลระบบเท่านั้นที่อัปโหลดข้อมูลได้ "
                f"(บัญชีของท่าน: {role_text(who, 'th')}) หากท่านต้องอัปโหลดข้อมูลของจังหวัด โปรดแจ้งผู้ดูแลระบบให้กำหนดสิทธิ์",
                "Only province users, cluster users and administrators may upload data "
                f"(your account: {role_text(who, 'en')}). If you need to upload your province's files, ask the "
                "system administrator to give you the right.",
            ),
            icon=":material/lock:",
        )
        return
    limit_mb = settings.upload_max_bytes() / 1e6
    suffixes = ", ".join(SUPPORTED_SUFFIXES)
    st.html(light.style_tag() + picker_style(limit_mb, ctx))
    st.caption(
        ctx.t(
            f"ไฟล์แบบเดียวกับที่ผู้ดูแลระบบโหลด ({suffixes}; CSV แบบ UTF-8 หรือ TIS-620) ขนาดไม่เกิน {limit_mb:g} MB ต่อไฟล์ · "
            f"ท่านบันทึกข้อมูลได้เฉพาะ: {area_words(who, ctx)} แถวของพื้นที่อื่นจะถูกปฏิเสธพร้อมเหตุผล · "
            "ข้อมูลที่โหลดแล้วแสดงในทุกหน้าทันทีที่ผู้ใช้คลิกครั้งถัดไป",
            f"The same files the administrator loads ({suffixes}; CSV in UTF-8 or TIS-620), up to {limit_mb:g} MB "
            f"each · you may write rows for: {area_words(who, ctx)}; "
            "rows of other areas are rejected with the reason · "
            "what is loaded shows on every page at the next click",
        )
    )
    # No max_upload_size here on purpose: with it, the picker itself refuses a larger file with
    # Streamlit's English "File must be 50.0MB or smaller"; _load refuses it with our words instead.
    # Streamlit's server.maxUploadSize (200 MB) stays the hard cap above BUDGET_UPLOAD_MAX_MB.
    files = st.file_uploader(
        ctx.t("ไฟล์ข้อมูลที่จะโหลด", "Files to load"),
        type=[s.lstrip(".") for s in SUPPORTED_SUFFIXES],
        accept_multiple_files=True,
        key="upload_files",
    )
    if st.button(
        ctx.t("โหลดข้อมูล", "Load the files"),
        type="primary",
        icon=":material/upload:",
        disabled=not files,
        key="upload_go",
    ):
        try:  # the role as the store holds it now, before anything is loaded
            appstore.require_upload(current(who))
            appstore.ensure_available()
        except appstore.StoreUnavailable as error:
            log.warning("upload refused, store unavailable: %s", error.__cause__ or error)
            st.error(word(STORE_OUTAGE, "upload", ctx.lang), icon=":material/cloud_off:")
        except appstore.AccessDenied as error:
            st.error(ctx.t(error.message_th, error.message_en), icon=":material/block:")
        else:
            _load(files, who, ctx)
            st.rerun()  # the next run reads the newly published file: the summary and the rejected rows
    outcome = st.session_state.get(K_OUTCOME)
    if outcome:
        _show_outcome(outcome, ctx)
    _recent(who, ctx)


render_safely(render)
