"""The money rules the ETL enforces, checked on the generated records before any file is written."""

from __future__ import annotations

from etl.demo.records import DemoData
from etl.demo.years import FY2562, DemoYear


def check_invariants(data: DemoData, year: DemoYear = FY2562) -> None:
    """Raise AssertionError when a year's records break a rule the ETL enforces (etl/demo/__init__.py)."""
    current_paid: dict[str, int] = {}
    total_paid: dict[str, int] = {}
    for payment in sorted(data.payments, key=lambda p: (p.day, p.amount < 0)):
        code = payment.project.code
        total_paid[code] = total_paid.get(code, 0) + payment.amount
        assert total_paid[code] >= 0, f"{code} below zero on {payment.day}"
        if payment.source == "current":
            assert year.start <= payment.day <= year.end, payment
            current_paid[code] = current_paid.get(code, 0) + payment.amount
    for project in data.projects:
        assert total_paid.get(project.code, 0) <= project.current, project.code
        assert project.moved_out == 0 or project.moved_in == 0, project.code
        if project.moved_out:
            assert project.current >= max(project.contract or 0, total_paid.get(project.code, 0))
    carry_paid: dict[str, int] = {}
    for payment in data.payments:
        if payment.source == "carryover":
            carry_paid[payment.project.code] = carry_paid.get(payment.project.code, 0) + payment.amount
    carried = {c.project.code: c for c in data.carryovers}
    for code, paid in carry_paid.items():
        assert code in carried and paid <= carried[code].amount, code
    for c in data.carryovers:
        unpaid = c.project.current - current_paid.get(c.project.code, 0)
        assert 0 < c.amount <= unpaid, c.project.code
    for payment in data.payments:
        if payment.source == "carryover":
            assert year.after(10, 1) <= payment.day <= carried[payment.project.code].deadline
    for r in data.reallocations:
        assert r.amount > 0 and year.start <= r.approved <= year.end, r.ref_no
    for a in data.assets:
        assert a.value <= total_paid.get(a.project.code, 0), a.asset_id
        assert (a.transferred is not None) == (a.status == "transferred"), a.asset_id
