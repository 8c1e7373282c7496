"""Thai normalisation as DuckDB SQL: digits, amounts, BE/CE dates, owners, yes/no, enums.

Everything is vectorised inside DuckDB (temporary macros installed per connection),
because a national disbursement file has millions of rows. Columns with few distinct
values (dates, enums, owners) are normalised once per distinct value and joined back.

Accepted forms (documented in docs/data-dictionary.md):
- digits: Arabic or Thai (๐-๙);
- amounts (one rule, Thai/English style): digits, optionally grouped by "," in threes
  ("1,234,567", first group without a leading 0), optionally "." and one or two decimals; a leading "-" or "+" or
  parentheses for a negative ("(500.00)" = -500); "-" alone = 0; blank = none; "฿" before
  or after, "บาท", "บ." or "THB" after; a whole number may end in ".-" ("1,000.-", Thai documents'
  whole baht); threes grouped by one kind of no-break, narrow no-break or thin space
  (U+00A0, U+202F, U+2009) are read as grouped by "," ("1 234 567.50"); such a space, or a plain one,
  between the figure and its currency sign or word goes with the sign ("0 ฿" = 0). Anything else made of digits
  and separators ("1.234,50", "1 234 567" with plain spaces,
  "1 234,50", "12,34", "500,00", "1e5", "1_000", "1.239", "1,23,456") could be read two
  ways and is rejected as ambiguous_amount, never guessed;
- dates: ISO "2019-09-13" (BE years such as "2562-09-13" too), d/m/yyyy in BE or CE
  ("13/09/2562", "13/9/2019", "13-09-2562", "13.09.2562"), d/m/yy in BE ("13/09/62"),
  Thai month names and abbreviations with 2- or 4-digit BE years ("13 ก.ย. 62",
  "13 กันยายน 2562", "13 ก.ย. พ.ศ. 2562"), English month names ("13 Sep 2019"),
  and Excel serial numbers ("43721"). A 4-digit year above 2400 is BE, otherwise CE;
  2-digit years are BE (62 = 2562 = 2019).
- owners: province by 2-digit DOPA code, Thai or English name, with or without the
  prefix "จังหวัด", "จ." or "จ "; cluster by code (C01..C18), Thai name with or without
  "กลุ่มจังหวัด", or English name; case- and space-insensitive; the other names in
  data/reference/owner_aliases.csv ("อยุธยา", "โคราช", "Korat"), and a Thai name cut short with
  "ฯ" when it starts exactly one name ("ประจวบฯ"; "นครฯ" starts six and is not read).
- keys and other identifiers (document numbers, project codes, approval numbers, asset ids;
  owners and enum values are matched the same way): Thai digits made Arabic; invisible
  characters (Unicode format characters such as ZERO WIDTH SPACE, WORD JOINER, U+FEFF, soft
  hyphen, ZWNJ/ZWJ, and the other default-ignorable code points) and every kind of space
  (NBSP included) removed; Unicode NFC; Thai NIKHAHIT + SARA AA (also with a tone mark
  typed between them) composed to SARA AM, and a tone mark typed after SARA AM put before
  it. A key holding a character that reorders the text on screen (bidi embedding,
  override or isolate) or a control character is refused (`bad_key`): removing it would
  change what the user saw. A document number of 1-9 digits is zero-padded to GFMIS's
  10 digits (`77380001` = `0077380001`: Excel drops leading zeros).
"""

from __future__ import annotations

import functools

import duckdb

from etl.invisible import BIDI_CONTROLS_RE2, INVISIBLE_RE2
from etl.kinds import BOOL_VALUES, ENUMS, enum_key
from reference_data import read_owner_aliases
from thai_date_input import TWO_DIGIT_BE_FROM

THAI_DIGITS = "๐๑๒๓๔๕๖๗๘๙"
# Keys only: Arabic-Indic and extended Arabic-Indic digits, and the full-width forms of
# ASCII (U+FF01-U+FF5E, typed with an East Asian input method or copied from a PDF), are
# the same characters to the eye: they are folded to ASCII before a key is compared.
KEY_FOLD_FROM = THAI_DIGITS + "٠١٢٣٤٥٦٧٨٩" + "۰۱۲۳۴۵۶۷۸۹" + "".join(chr(c) for c in range(0xFF01, 0xFF5F))
KEY_FOLD_TO = "0123456789" * 3 + "".join(chr(c) for c in range(0x21, 0x7F))
TRIM_CHARS = " \t\r\n\u00a0\u200b"

# The amount rule (RE2 patterns over cleaned text, see the module docstring).
# Grouped digits start with 1-9: "0,500" is half a baht to a European reader.
_MONEY_NUMBER = r"(\d+|[1-9]\d{0,2}(,\d{3})+)(\.\d{1,2})?"
MONEY_FORM = rf"\(\s*{_MONEY_NUMBER}\s*\)|[+-]?\s*{_MONEY_NUMBER}"
MONEY_FAST_FORM = rf"-?{_MONEY_NUMBER}"  # the common case, tested on raw text first
# A space between a figure and its currency sign or word separates the two; it is never a digit-group separator,
# whichever kind it is: ASCII white space or one of the three spaces MONEY_SPACE_GROUPED reads between groups
# ("1,000 บาท", "฿ 500", "0 ฿" and "1 234 ฿" with a thin or narrow no-break space before the sign, as French
# formats write it). It goes with the currency, before the groups are looked at.
MONEY_UNIT_SPACE = r"[\s\x{00a0}\x{202f}\x{2009}]"
MONEY_CURRENCY = rf"^(฿){MONEY_UNIT_SPACE}*|{MONEY_UNIT_SPACE}*(฿|บาท|บ\.|THB)$"
# Thai documents write a whole-baht amount "1,000.-" (๑,๐๐๐.- บาท): the mark is dropped from a whole
# number only ("1,000.50.-" stays unread; SAP's trailing minus "1,000.00-" has its decimals).
MONEY_WHOLE_MARK = r"^([+-]?\s*(\d+|[1-9]\d{0,2}(,\d{3})+))\.-$"
# Digits, separators, signs, exponents: text that looks like a number but breaks the rule.
MONEY_LOOKALIKE = r"[0-9\s.,'_+\-()eE\x{00a0}\x{202f}\x{2009}]+"
# Digits grouped in threes by a no-break space (U+00A0), a narrow no-break space (U+202F, what French and ISO
# number formats write) or a thin space (U+2009), one of them throughout: "1 234 567.00". Such a space is
# only ever a group separator, so the figure is read as if grouped by ","; a plain space is not (two figures
# typed in one cell, "1,500 200", are separated by one), so "1 234" stays ambiguous_amount.
MONEY_SPACE_GROUPED = (
    r"[(+-]?\s*[1-9]\d{0,2}(?:(?:\x{00a0}\d{3})+|(?:\x{202f}\d{3})+|(?:\x{2009}\d{3})+)(?:\.\d{1,2})?\s*\)?"
)

# Keys (see the module docstring). Characters that reorder text on screen (bidi embeddings,
# overrides, isolates) or control it (C0/C1 controls other than white space): a key holding
# one is refused, because dropping it would change what the user saw.
KEY_REFUSED = "[" + BIDI_CONTROLS_RE2 + r"\x{00}-\x{08}\x{0e}-\x{1f}\x{7f}-\x{84}\x{86}-\x{9f}]"
# Invisible characters, removed from keys (etl/invisible.py: the same set header text loses).
KEY_INVISIBLE = INVISIBLE_RE2
# White space of every kind: ASCII, NBSP and the other Unicode spaces, line separators.
KEY_SPACE = r"\s\p{Z}\x{0b}\x{85}"
# Thai: NIKHAHIT (+ a tone mark) + SARA AA -> (tone mark +) SARA AM; SARA AM + tone -> tone + SARA AM.
THAI_AM_SPLIT = r"\x{0e4d}([\x{0e48}-\x{0e4b}]?)\x{0e32}"
THAI_AM_TONE_AFTER = r"\x{0e33}([\x{0e48}-\x{0e4b}])"
SARA_AM = "\u0e33"
# Thai: a tone mark or THANTHAKHAT typed before the above or below vowel of its letter
# (ท + ่ + ี for ที่, ธ + ์ + ุ for ธุ์) looks the same on screen; written vowel first.
THAI_MARKS_BEFORE_VOWEL = r"([\x{0e48}-\x{0e4c}]+)([\x{0e31}\x{0e34}-\x{0e3a}\x{0e47}])"
# GFMIS prints document numbers with 10 digits; Excel drops the leading zeros.
DOC_NO_DIGITS = 10

THAI_MONTHS: dict[int, tuple[str, ...]] = {
    1: ("มกราคม", "ม.ค.", "jan", "january"),
    2: ("กุมภาพันธ์", "ก.พ.", "feb", "february"),
    3: ("มีนาคม", "มี.ค.", "mar", "march"),
    4: ("เมษายน", "เม.ย.", "apr", "april"),
    5: ("พฤษภาคม", "พ.ค.", "may"),
    6: ("มิถุนายน", "มิ.ย.", "jun", "june"),
    7: ("กรกฎาคม", "ก.ค.", "jul", "july"),
    8: ("สิงหาคม", "ส.ค.", "aug", "august"),
    9: ("กันยายน", "ก.ย.", "sep", "sept", "september"),
    10: ("ตุลาคม", "ต.ค.", "oct", "october"),
    11: ("พฤศจิกายน", "พ.ย.", "nov", "november"),
    12: ("ธันวาคม", "ธ.ค.", "dec", "december"),
}


def _lit(text: str) -> str:
    """A SQL string literal (constants from this module only, never user text)."""
    return "'" + text.replace("'", "''") + "'"


def _month_key(text: str) -> str:
    return text.replace(".", "").replace(" ", "").lower()


def _once(expr: str, name: str, body: str) -> str:
    """`body` with `name` standing for the value of `expr`, computed once.

    Why: DuckDB expands a macro in place, once per use of its argument, and `CASE e WHEN a ... WHEN b`
    as `CASE WHEN e = a ... WHEN e = b`. A costly argument (a key's regexes) used in many places made
    a statement of thousands of regex calls, each compiled when the statement is bound: tens to
    hundreds of milliseconds per statement for one row. A one-element list's lambda binds it once;
    a NULL argument is still NULL in the body."""
    return f"list_transform([{expr}], lambda {name}: {body})[1]"


def _month_case(expr: str) -> str:
    whens = " ".join(
        f"WHEN {_lit(_month_key(name))} THEN {month}" for month, names in THAI_MONTHS.items() for name in names
    )
    return _once(expr, "etl_m", f"CASE etl_m {whens} END")


def _enum_case(expr: str, values: dict[str, tuple[str, ...]]) -> str:
    whens = " ".join(
        f"WHEN {_lit(enum_key(alias))} THEN {_lit(canonical)}"
        for canonical, aliases in values.items()
        for alias in (canonical, *aliases)
    )
    return _once(expr, "etl_k", f"CASE etl_k {whens} END")


def macros() -> list[str]:
    """The CREATE MACRO statements the load SQL relies on."""
    bool_values = {"true": BOOL_VALUES[True], "false": BOOL_VALUES[False]}
    ce_year = f"""CASE
        WHEN length(etl_y) = 2 AND CAST(etl_y AS INTEGER) >= {TWO_DIGIT_BE_FROM}
        THEN 2500 + CAST(etl_y AS INTEGER) - 543
        WHEN length(etl_y) = 4 AND CAST(etl_y AS INTEGER) > 2400 THEN CAST(etl_y AS INTEGER) - 543
        WHEN length(etl_y) = 4 THEN CAST(etl_y AS INTEGER) END"""
    money_read = rf"""CASE WHEN regexp_full_match(etl_b, {_lit(MONEY_FORM)}) THEN
        CASE WHEN starts_with(etl_b, '(') THEN -1 ELSE 1 END
        * TRY_CAST(regexp_replace(etl_b, '[,\s()+]', '', 'g') AS DECIMAL(18,2)) END"""
    statements = [
        # Trimmed text with Thai digits made Arabic; NULL when blank.
        f"""CREATE OR REPLACE TEMP MACRO etl_clean(x) AS
            NULLIF(trim(translate(x, {_lit(THAI_DIGITS)}, '0123456789'), {_lit(TRIM_CHARS)}), '')""",
        # Trimmed text as written (names keep their Thai digits).
        f"CREATE OR REPLACE TEMP MACRO etl_text(x) AS NULLIF(trim(x, {_lit(TRIM_CHARS)}), '')",
        # Fast forms for the hot path: pure-ASCII text (strlen = length) cannot hold Thai
        # digits or no-break spaces, so a plain trim does; CASE only runs the slow branch
        # on the rows that need it.
        # (An ASCII value that starts and ends with a visible character is already clean.)
        """CREATE OR REPLACE TEMP MACRO etl_is_clean_ascii(x) AS
            ascii(x) BETWEEN 33 AND 126 AND ascii(right(x, 1)) BETWEEN 33 AND 126
            AND strlen(x) = length(x)""",
        """CREATE OR REPLACE TEMP MACRO etl_clean_fast(x) AS CASE
            WHEN etl_is_clean_ascii(x) THEN x ELSE etl_clean(x) END""",
        """CREATE OR REPLACE TEMP MACRO etl_text_fast(x) AS CASE
            WHEN etl_is_clean_ascii(x) THEN x ELSE etl_text(x) END""",
        # --- keys (module docstring): refused, normal form, and the fast path for plain ASCII.
        f"CREATE OR REPLACE TEMP MACRO etl_key_refused(x) AS regexp_matches(x, {_lit(KEY_REFUSED)})",
        # Text as a key is matched in, spaces kept as one ' ' (owner prefixes need them).
        f"""CREATE OR REPLACE TEMP MACRO etl_key_spaced(x) AS regexp_replace(regexp_replace(regexp_replace(
            nfc_normalize(trim(regexp_replace(regexp_replace(
                translate(x, {_lit(KEY_FOLD_FROM)}, {_lit(KEY_FOLD_TO)}), {_lit("[" + KEY_INVISIBLE + "]")}, '', 'g'),
                {_lit("[" + KEY_SPACE + "]+")}, ' ', 'g'))),
            {_lit(THAI_MARKS_BEFORE_VOWEL)}, {_lit(chr(92) + "2" + chr(92) + "1")}, 'g'),
            {_lit(THAI_AM_SPLIT)}, {_lit(chr(92) + "1" + SARA_AM)}, 'g'),
            {_lit(THAI_AM_TONE_AFTER)}, {_lit(chr(92) + "1" + SARA_AM)}, 'g')""",
        # The stored form of a key (NULL when blank or refused). Excel's ways of keeping a
        # code as text are taken off: `="0077380001"` (a text formula written by export tools)
        # and a leading apostrophe.
        r"""CREATE OR REPLACE TEMP MACRO etl_key_slow(x) AS CASE WHEN NOT etl_key_refused(x) THEN
            NULLIF(regexp_replace(regexp_replace(replace(etl_key_spaced(x), ' ', ''),
                '^="(.*)"$', '\1'), '^''', ''), '') END""",
        # Printable ASCII without spaces, not starting with = or ' (`="…"` and a leading ' are
        # taken off by the slow path), is already in normal form: one GLOB, no regex.
        """CREATE OR REPLACE TEMP MACRO etl_is_plain_key(x) AS strlen(x) > 0 AND x NOT GLOB '*[!!-~]*'
            AND ascii(x) NOT IN (39, 61)""",
        # A code Excel wrote as a number in scientific notation (`7.738E+07`): its digits are lost.
        r"""CREATE OR REPLACE TEMP MACRO etl_code_as_number(x) AS CASE WHEN contains(x, '+')
            THEN regexp_full_match(trim(x), '[0-9]+(\.[0-9]+)?[eE]\+[0-9]+') ELSE false END""",
        """CREATE OR REPLACE TEMP MACRO etl_code(x) AS CASE WHEN etl_is_plain_key(x)
            THEN CASE WHEN NOT etl_code_as_number(x) THEN x END ELSE etl_key_slow(x) END""",
        (
            "CREATE OR REPLACE TEMP MACRO etl_code_refused(x) AS CASE WHEN etl_is_plain_key(x) THEN false "
            "ELSE coalesce(etl_key_refused(x), false) END"
        ),
        # 1-9 digits padded to 10; a whole number written with decimals by a program that read
        # the column as numbers (`77380001.0`) is that number.
        f"""CREATE OR REPLACE TEMP MACRO etl_pad_digits(k) AS CASE WHEN strlen(k) >= {DOC_NO_DIGITS} THEN k
            WHEN regexp_full_match(k, '[0-9]+') THEN lpad(k, {DOC_NO_DIGITS}, '0') ELSE k END""",
        r"""CREATE OR REPLACE TEMP MACRO etl_pad_doc_no(k) AS CASE WHEN etl_code_as_number(k) THEN NULL
            WHEN CASE WHEN contains(k, '.') THEN regexp_full_match(k, '[0-9]+\.0+') ELSE false END
            THEN etl_pad_digits(split_part(k, '.', 1))
            ELSE etl_pad_digits(k) END""",
        # (Regex tests sit behind a cheap CASE: DuckDB evaluates both sides of an AND.)
        # (Macros are expanded in place: the plain test runs once per row, not once per use.)
        f"""CREATE OR REPLACE TEMP MACRO etl_doc_no(x) AS CASE WHEN etl_is_plain_key(x) THEN etl_pad_doc_no(x)
            ELSE {_once("etl_key_slow(x)", "etl_k", "etl_pad_doc_no(etl_k)")} END""",
        # Enum and yes/no values: the key form, lower case, without '_' and '-'.
        "CREATE OR REPLACE TEMP MACRO etl_key(x) AS lower(regexp_replace(etl_key_slow(x), '[_\\-]+', '', 'g'))",
        # Amount text (already cleaned) without the currency sign or word around it.
        f"""CREATE OR REPLACE TEMP MACRO etl_money_bare(x) AS
            regexp_replace(trim(regexp_replace(x, {_lit(MONEY_CURRENCY)}, '', 'g'), {_lit(TRIM_CHARS)}),
                           {_lit(MONEY_WHOLE_MARK)}, '\\1')""",
        # Amount text without its currency, groups of no-break spaces made "," (MONEY_SPACE_GROUPED).
        rf"""CREATE OR REPLACE TEMP MACRO etl_money_grouped(x) AS CASE
            WHEN (contains(x, chr(160)) OR contains(x, chr(8239)) OR contains(x, chr(8201)))
            AND regexp_full_match(x, {_lit(MONEY_SPACE_GROUPED)})
            THEN regexp_replace(x, '[\x{{00a0}}\x{{202f}}\x{{2009}}]', ',', 'g') ELSE x END""",
        # Amount text (already cleaned) -> DECIMAL(18,2), or NULL when it is not in the rule.
        rf"""CREATE OR REPLACE TEMP MACRO etl_money(x) AS CASE
            WHEN x IS NULL THEN NULL
            WHEN x = '-' THEN 0::DECIMAL(18,2)
            ELSE {_once("etl_money_grouped(etl_money_bare(x))", "etl_b", money_read)} END""",
        # Why an amount that etl_money could not read was rejected: made only of digits and
        # separators (so it could be read two ways) -> ambiguous; in the rule but too large,
        # or anything else -> bad.
        f"""CREATE OR REPLACE TEMP MACRO etl_money_ambiguous(x) AS
            NOT regexp_full_match(etl_money_grouped(etl_money_bare(x)), {_lit(MONEY_FORM)})
            AND regexp_full_match(etl_money_bare(x), {_lit(MONEY_LOOKALIKE)})
            AND regexp_matches(x, '[0-9]')""",
        # Raw amount text -> DECIMAL: the common "1,234.50" is one match and one cast;
        # everything else (Thai digits, spaces, signs, currency, rejects) goes the slow way.
        f"""CREATE OR REPLACE TEMP MACRO etl_money_fast(x) AS CASE
            WHEN regexp_full_match(x, {_lit(MONEY_FAST_FORM)})
            THEN TRY_CAST(replace(x, ',', '') AS DECIMAL(18,2))
            ELSE etl_money(etl_clean(x)) END""",
        # Year text -> CE year: 2 digits are BE (62 -> 2019), from 40 (2540 = 1997) on: below that
        # a 2-digit year is more likely CE (18 = 2018, not 2518 = 1975), so it is not read (the form's
        # thai_date_input reads the same way: TWO_DIGIT_BE_FROM);
        # 4 digits > 2400 are BE.
        f"CREATE OR REPLACE TEMP MACRO etl_ce_year(y) AS {_once('y', 'etl_y', ce_year)}",
        """CREATE OR REPLACE TEMP MACRO etl_make_date(y, m, d) AS
            TRY_CAST(printf('%04d-%02d-%02d', etl_ce_year(y), TRY_CAST(m AS INTEGER),
                            TRY_CAST(d AS INTEGER)) AS DATE)""",
        f"CREATE OR REPLACE TEMP MACRO etl_month(t) AS {_month_case('t')}",
        # Date text (already cleaned) -> DATE or NULL when unparseable.
        r"""CREATE OR REPLACE TEMP MACRO etl_date(x) AS CASE
            WHEN x IS NULL THEN NULL
            WHEN regexp_full_match(x, '\d{4}-\d{1,2}-\d{1,2}([ T]\d{1,2}:\d{2}(:\d{2}(\.\d{1,9})?)?)?')
            THEN etl_make_date(
                regexp_extract(x, '^(\d{4})', 1), regexp_extract(x, '^\d{4}-(\d{1,2})', 1),
                regexp_extract(x, '^\d{4}-\d{1,2}-(\d{1,2})', 1))
            WHEN regexp_full_match(x, '\d{1,2}\s*[/.\-]\s*\d{1,2}\s*[/.\-]\s*(\d{2}|\d{4})') THEN
                etl_make_date(regexp_extract(x, '(\d+)$', 1), regexp_extract(x, '^\d+\D+(\d+)', 1),
                              regexp_extract(x, '^(\d+)', 1))
            WHEN regexp_full_match(x, '\d{5}(\.\d+)?') THEN
                DATE '1899-12-30' + CAST(floor(CAST(x AS DOUBLE)) AS INTEGER)
            WHEN regexp_full_match(x, '\d{1,2}\s*[^\d]+?\s*(\d{2}|\d{4})') THEN etl_make_date(
                regexp_extract(x, '(\d+)$', 1),
                CAST(etl_month(lower(regexp_replace(regexp_replace(
                    regexp_extract(x, '^\d+\s*(.*?)\s*\d+$', 1), 'พ\.\s*ศ\.?', ''), '[\s.]', '', 'g')))
                    AS VARCHAR),
                regexp_extract(x, '^(\d+)', 1))
            END""",
        # Owner text -> matching key: the key form (invisible characters, SARA AM, spaces),
        # no prefix จังหวัด/จ./จ /กลุ่มจังหวัด, lower case; NULL when refused.
        r"""CREATE OR REPLACE TEMP MACRO etl_owner_key(x) AS CASE WHEN NOT etl_key_refused(x) THEN lower(replace(
            regexp_replace(etl_key_spaced(x), '^(กลุ่มจังหวัด|จังหวัด|จ\.|จ )\s*', ''), ' ', '')) END""",
        # Fiscal year text -> BE year (a CE year 1900-2200 is converted).
        r"""CREATE OR REPLACE TEMP MACRO etl_fiscal_year(x) AS CASE
            WHEN regexp_full_match(regexp_replace(x, '^(พ\.\s*ศ\.|ปี)\s*', ''), '\d{4}') THEN
                CASE WHEN CAST(regexp_replace(x, '^(พ\.\s*ศ\.|ปี)\s*', '') AS INTEGER) > 2400
                     THEN CAST(regexp_replace(x, '^(พ\.\s*ศ\.|ปี)\s*', '') AS INTEGER)
                     WHEN CAST(regexp_replace(x, '^(พ\.\s*ศ\.|ปี)\s*', '') AS INTEGER) BETWEEN 1900 AND 2200
                     THEN CAST(regexp_replace(x, '^(พ\.\s*ศ\.|ปี)\s*', '') AS INTEGER) + 543
                END END""",
        f"CREATE OR REPLACE TEMP MACRO etl_bool(x) AS CAST({_enum_case('etl_key(x)', bool_values)} AS BOOLEAN)",
    ]
    for column, values in ENUMS.items():
        statements.append(f"CREATE OR REPLACE TEMP MACRO etl_enum_{column}(x) AS {_enum_case('etl_key(x)', values)}")
    return statements


def install(con: duckdb.DuckDBPyConnection) -> None:
    """Create the normalisation macros on this connection (temporary, per connection)."""
    for statement in macros():
        con.execute(statement)
    con.execute("CREATE OR REPLACE TEMP TABLE etl_owner_aliases (alias VARCHAR, owner_code VARCHAR)")
    aliases = read_owner_aliases()
    if aliases:
        con.executemany("INSERT INTO etl_owner_aliases VALUES (?, ?)", aliases)
    # Owner lookup: every accepted spelling of a province or cluster -> its code.
    # (etl_owner_key once over all the names: each use of the macro is bound on its own.)
    con.execute(
        """CREATE OR REPLACE TEMP TABLE etl_owner_keys AS
        SELECT DISTINCT key, owner, owner_type FROM (
            SELECT etl_owner_key(name) AS key, owner, owner_type FROM (
                SELECT province_code AS name, province_code AS owner, 'province' AS owner_type FROM provinces
                UNION ALL SELECT name_th, province_code, 'province' FROM provinces
                UNION ALL SELECT name_en, province_code, 'province' FROM provinces
                UNION ALL SELECT cluster_code, cluster_code, 'cluster' FROM clusters
                UNION ALL SELECT name_th, cluster_code, 'cluster' FROM clusters
                UNION ALL SELECT name_en, cluster_code, 'cluster' FROM clusters
            )
            -- "C1" for "C01"
            UNION ALL SELECT 'c' || CAST(CAST(substr(cluster_code, 2) AS INTEGER) AS VARCHAR),
                             cluster_code, 'cluster' FROM clusters
            -- other names users write (data/reference/owner_aliases.csv: อยุธยา, โคราช, Korat, ...)
            UNION ALL SELECT etl_owner_key(a.alias), a.owner_code,
                             CASE WHEN a.owner_code IN (SELECT cluster_code FROM clusters) THEN 'cluster'
                                  ELSE 'province' END
              FROM etl_owner_aliases a
        )"""
    )
    # A Thai name cut short with ไปยาลน้อย "ฯ" (นครศรีฯ, ประจวบฯ, สุราษฎร์ฯ): read when what is written
    # before it starts exactly one province's or cluster's name (or is the whole name); "นครฯ" starts six
    # and stays unread, "กรุงเทพฯ" names no province with a plan.
    rows = con.execute("SELECT key, owner, owner_type FROM etl_owner_keys").fetchall()
    short = _cut_short_keys(tuple(rows))
    if short:
        con.execute(
            "INSERT INTO etl_owner_keys SELECT unnest(?::VARCHAR[]), unnest(?::VARCHAR[]), unnest(?::VARCHAR[])",
            [list(column) for column in zip(*short)],
        )


@functools.lru_cache(maxsize=4)
def _cut_short_keys(rows: tuple[tuple[str, str, str], ...]) -> list[tuple[str, str, str]]:
    """(key + "ฯ", owner, owner_type) for every start of a Thai owner key (two letters or more, up to the whole
    key) that belongs to one owner only and is no key itself. Computed in Python once per set of names: with the
    read and the insert 6 CPU-ms per write session, against 19 for the same in one SQL statement."""
    owners: dict[str, set[tuple[str, str]]] = {}
    for key, owner, owner_type in rows:
        if key and "ก" <= key[0] <= "ฮ":
            for end in range(2, len(key) + 1):
                owners.setdefault(key[:end] + "ฯ", set()).add((owner, owner_type))
    taken = {key for key, _, _ in rows}
    return sorted(
        (key, *next(iter(found)))
        for key, found in owners.items()
        if len({owner for owner, _ in found}) == 1 and key not in taken
    )


def owner_of(con: duckdb.DuckDBPyConnection, text: str | None) -> tuple[str, str] | None:
    """(code, 'province' or 'cluster') for a province or cluster as users write it, or None.

    The loader's own rules (code, Thai or English name, with or without จังหวัด/จ./กลุ่มจังหวัด);
    needs `install(con)` on a connection holding the reference tables.
    """
    return con.execute(
        "SELECT owner, owner_type FROM etl_owner_keys WHERE key = etl_owner_key(etl_clean(?))", [text]
    ).fetchone()


def normalise_value(con: duckdb.DuckDBPyConnection, type_: str, text: str | None, column: str = ""):
    """One value through the same SQL the loader uses (for tests and small lookups)."""
    from etl.kinds import BOOL, CODE, DATE, ENUM, MONEY, OWNER, YEAR

    if type_ == DATE:
        return con.execute("SELECT etl_date(etl_clean(?))", [text]).fetchone()[0]
    if type_ == MONEY:
        return con.execute("SELECT etl_money(etl_clean(?))", [text]).fetchone()[0]
    if type_ == YEAR:
        return con.execute("SELECT etl_fiscal_year(etl_clean(?))", [text]).fetchone()[0]
    if type_ == BOOL:
        return con.execute("SELECT etl_bool(etl_clean(?))", [text]).fetchone()[0]
    if type_ == ENUM:
        return con.execute(f"SELECT etl_enum_{column}(etl_clean(?))", [text]).fetchone()[0]
    if type_ == OWNER:
        found = owner_of(con, text)
        return found[0] if found else None
    if type_ == CODE:
        macro = "etl_doc_no" if column == "doc_no" else "etl_code"
        return con.execute(f"SELECT {macro}(?)", [text]).fetchone()[0]
    return con.execute("SELECT etl_clean(?)", [text]).fetchone()[0]
