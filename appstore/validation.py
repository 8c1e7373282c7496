"""Checks on what users send, before anything reaches the database.

Lengths are checked here, in Python, for both backends: SQLite stores a string longer
than its declared length without a word, PostgreSQL refuses it, and the same input must
get the same answer on both. Every refusal is a ValidationError naming the field, in Thai
and English.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from email_validator import EmailNotValidError, validate_email

from appstore import models, reference
from appstore.errors import ValidationError
from thai_date_input import BE_OFFSET, DateTextError, format_day, parse_date_text

ROLES = ("viewer", "province", "cluster", "admin")
ROLE_LABELS = {"viewer": "ผู้ดู", "province": "จังหวัด", "cluster": "กลุ่มจังหวัด", "admin": "ผู้ดูแลระบบ"}
# Amounts stay below 10^13 baht (ten trillion; the whole national budget is about 3.3
# trillion): SQLite keeps NUMERIC as a binary double, which is exact to the satang only up
# to 15 significant digits, and PostgreSQL must accept no more than SQLite keeps exactly.
AMOUNT_LIMIT = Decimal("1e13")
CENT = Decimal("0.01")


def text(field: str, value: str | None, limit: int, required: bool = False) -> str | None:
    """Stripped text (None when empty), refused when longer than `limit` characters."""
    if value is not None and not isinstance(value, str):
        raise ValidationError(field, f"{field} ต้องเป็นข้อความ", f"{field} must be text")
    cleaned = (value or "").strip()
    if not cleaned:
        if required:
            raise ValidationError(field, f"ต้องระบุ {field}", f"{field} is required")
        return None
    if len(cleaned) > limit:
        raise ValidationError(
            field,
            f"{field} ยาว {len(cleaned):,} ตัวอักษร เกินกำหนด {limit:,} ตัวอักษร",
            f"{field} is {len(cleaned):,} characters long; at most {limit:,} are allowed",
        )
    return cleaned


def email(value: str | None) -> str:
    """A syntactically valid e-mail address, lower-cased (no DNS look-up)."""
    raw = text("email", value, models.EMAIL_MAX, required=True)
    try:
        checked = validate_email(raw, check_deliverability=False)
    except EmailNotValidError as error:
        raise ValidationError(
            "email", f"อีเมล '{raw}' ไม่ถูกต้อง", f"'{raw}' is not a valid e-mail address: {error}"
        ) from None
    return checked.normalized.lower()


def role(value: str) -> str:
    """One of viewer, province, cluster, admin."""
    if value not in ROLES:
        raise ValidationError(
            "role",
            f"ไม่รู้จักบทบาท '{value}' ใช้ได้: {', '.join(ROLES)}",
            f"unknown role '{value}'; use one of: {', '.join(ROLES)}",
        )
    return value


def areas(
    role_name: str, provinces: list[str] | tuple[str, ...] = (), clusters: list[str] | tuple[str, ...] = ()
) -> tuple[list[str], list[str]]:
    """The province and cluster codes a user of this role writes for, checked against the
    reference data: province users need provinces only, cluster users clusters only,
    viewers and admins neither. Returns (provinces, clusters), sorted and de-duplicated."""
    provinces = sorted({str(code).strip() for code in provinces})
    clusters = sorted({str(code).strip().upper() for code in clusters})
    unknown = [code for code in provinces if code not in reference.province_codes()]
    if unknown:
        raise ValidationError(
            "province",
            f"ไม่รู้จักรหัสจังหวัด {', '.join(unknown)} (ใช้รหัส 2 หลักของกรมการปกครอง เช่น 46)",
            f"unknown province code {', '.join(unknown)} (use the 2-digit DOPA code, e.g. 46)",
        )
    unknown = [code for code in clusters if code not in reference.cluster_codes()]
    if unknown:
        raise ValidationError(
            "cluster",
            f"ไม่รู้จักรหัสกลุ่มจังหวัด {', '.join(unknown)} (C01 ถึง C18)",
            f"unknown cluster code {', '.join(unknown)} (C01 to C18)",
        )
    if role_name == "province" and (not provinces or clusters):
        raise ValidationError(
            "province",
            "ผู้ใช้ระดับจังหวัดต้องระบุจังหวัดอย่างน้อยหนึ่งจังหวัด และไม่ระบุกลุ่มจังหวัด",
            "a province user needs at least one --province and no --cluster",
        )
    if role_name == "cluster" and (not clusters or provinces):
        raise ValidationError(
            "cluster",
            "ผู้ใช้ระดับกลุ่มจังหวัดต้องระบุกลุ่มจังหวัดอย่างน้อยหนึ่งกลุ่ม และไม่ระบุจังหวัด",
            "a cluster user needs at least one --cluster and no --province",
        )
    if role_name in ("viewer", "admin") and (provinces or clusters):
        raise ValidationError(
            "role",
            f"บทบาท {role_name} ไม่มีพื้นที่ ไม่ต้องระบุจังหวัดหรือกลุ่มจังหวัด",
            f"the {role_name} role has no area; give no --province or --cluster",
        )
    return provinces, clusters


def cause_code(value: str | None) -> str:
    """A cause code from data/reference/followup_causes.csv."""
    code = text("cause_code", value, models.CAUSE_CODE_MAX, required=True)
    known = reference.causes()["cause_code"].tolist()
    if code not in known:
        raise ValidationError(
            "cause_code",
            f"ไม่รู้จักสาเหตุ '{code}' ใช้ได้: {', '.join(known)}",
            f"unknown cause '{code}'; use one of: {', '.join(known)}",
        )
    return code


def amount(field: str, value: Decimal | float | str | None) -> Decimal | None:
    """An amount in baht as an exact Decimal with at most 2 decimals, >= 0 (None allowed).

    Floats (from number inputs) are read through their shortest text form, so 1234.5
    becomes Decimal('1234.50'), not the float's binary expansion.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise ValidationError(field, f"{field} ต้องเป็นจำนวนเงิน", f"{field} must be an amount")
    try:
        number = Decimal(str(value).replace(",", "").strip())
    except InvalidOperation:
        raise ValidationError(field, f"อ่านจำนวนเงิน '{value}' ไม่ได้", f"cannot read the amount '{value}'") from None
    if not number.is_finite() or number < 0 or number >= AMOUNT_LIMIT:
        raise ValidationError(
            field,
            f"จำนวนเงิน {value} ต้องไม่ติดลบและน้อยกว่า 10 ล้านล้านบาท",
            f"the amount {value} must be at least 0 and below 10,000,000,000,000 baht",
        )
    if number != number.quantize(CENT):
        raise ValidationError(
            field,
            f"จำนวนเงิน {value} มีทศนิยมเกิน 2 ตำแหน่ง (สตางค์)",
            f"the amount {value} has more than 2 decimals (satang)",
        )
    return number.quantize(CENT)


def day(field: str, value: date | str | None, earliest: date | None = None, latest: date | None = None) -> date | None:
    """A date, None allowed. Text is read in any form a Thai official types (thai_date_input:
    BE or CE, d/m/yyyy, Thai digits, Thai month names, ISO). With `earliest` / `latest`, a date
    outside them (both included) is refused, saying what the text was read as."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        if (earliest is not None and value < earliest) or (latest is not None and value > latest):
            low, high = earliest or value, latest or value
            raise ValidationError(
                field,
                f"วันที่ {format_day(value, 'th')} อยู่นอกช่วงที่รับได้ ({format_day(low, 'th')} ถึง {format_day(high, 'th')})",
                f"{format_day(value, 'en')} is outside the accepted range ({format_day(low, 'en')} to "
                f"{format_day(high, 'en')})",
            )
        return value
    if not isinstance(value, str):
        raise ValidationError(field, f"{field} ต้องเป็นวันที่", f"{field} must be a date")
    try:
        return parse_date_text(value, earliest, latest)
    except DateTextError as error:
        raise ValidationError(field, error.message_th, error.message_en) from None


def expected_payment_window(fiscal_year: int) -> tuple[date, date]:
    """The expected payment dates a response of a project of `fiscal_year` (BE) may give: from
    the year's first day (1 Oct) to the last day of the second fiscal year after it (30 Sep),
    room for a carry-over and its extension. Anything else is a typo, most often a BE year read
    as CE or the reverse (2562 -> 2019, or "19" -> 2519)."""
    first_ce = fiscal_year - BE_OFFSET - 1
    return date(first_ce, 10, 1), date(first_ce + 3, 9, 30)
