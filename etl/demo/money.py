"""The money of one demo year: payments, reallocations, carry-overs, reversals, document numbers.

Mixed into the generator (etl/demo/generator.py); every draw comes from its one random stream.
Money is integer satang. The rules the ETL enforces hold by construction (etl/demo/__init__.py).
"""

from __future__ import annotations

import itertools
import random
from datetime import date, timedelta

from etl.demo.names import (
    REASONS_CARRY_COMMITTED,
    REASONS_CARRY_UNCOMMITTED,
    REASONS_CHANGE,
    REASONS_NEW_MONEY,
    REASONS_RETURN,
    REASONS_SAVINGS,
)
from etl.demo.records import Carryover, Payment, Project, Reallocation
from etl.demo.years import (
    PostingCalendar,
    add_working_days,
    next_working_day,
    working_day_between,
    working_days,
)


def split(rng: random.Random, total: int, parts: int) -> list[int]:
    """`total` satang in `parts` positive pieces that add up exactly."""
    if parts <= 1 or total < parts * 100:
        return [total] if total > 0 else []
    weights = [rng.uniform(0.5, 1.5) for _ in range(parts)]
    scale = sum(weights)
    pieces = [round(total * w / scale) for w in weights[:-1]]
    pieces.append(total - sum(pieces))
    return pieces


class Money:
    """Payments and the other money records of a year (mixed into the generator)."""

    def build_money(self) -> None:
        """Payment plans, reallocations, carry-overs, then dates fitted to the national curve."""
        rng, year = self.rng, self.year
        projects = self.data.projects
        # 1. How much of each project's own money is paid by 30 Sep (satang), installments.
        plans: dict[str, list[int]] = {}  # installment amounts paid in the fiscal year
        unpaid_contract: dict[str, int] = {}
        for project in projects:
            pace = self.pace[project.owner_code]
            if project.budget_type == "investment":
                if project.contract is None:
                    plans[project.code] = []
                    continue
                parts = split(rng, project.contract, rng.choice((1, 2, 2, 3, 3, 4, 5)))
                late = project.contract_date > year.contract_cutoff
                chance = year.fully_paid
                full_chance = (chance[0] if late else chance[2]) + (chance[1] if late else chance[3]) * pace
                if rng.random() < full_chance:
                    paid_count = len(parts)
                else:
                    paid_count = (
                        rng.randint(0, len(parts) - 1)
                        if late
                        else rng.randint(1 if len(parts) > 1 else 0, len(parts) - 1)
                    )
                # An installment is often paid in more than one document (advance, retention).
                plans[project.code] = [
                    piece for part in parts[:paid_count] for piece in split(rng, part, rng.choice((1, 1, 2, 3)))
                ]
                unpaid_contract[project.code] = sum(parts[paid_count:])
            else:
                share = rng.uniform(0.96, 1.0) if rng.random() < 0.85 + 0.15 * pace else rng.uniform(0.75, 0.96)
                paid = round(project.allocated * share / 100) * 100
                plans[project.code] = split(rng, paid, rng.randint(2, 10))
        if year.documents_per_payment > 1:  # benchmarks: many more documents, same money
            plans = {
                code: [piece for amount in amounts for piece in split(rng, amount, year.documents_per_payment)]
                for code, amounts in plans.items()
            }
        # 2. Reallocations in the fiscal year.
        self._reallocate(plans, unpaid_contract)
        # 3. Carry-overs at year end, and their payments from October to the deadline.
        self._carry_over(plans, unpaid_contract)
        # 4. Current-year payments: quantiles now, dates fitted to the national curve below.
        pending: list[tuple[Payment, float, date]] = []
        for project in projects:
            if project.contract_date:
                first = project.contract_date + timedelta(days=rng.randint(5, 30))  # advance or 1st installment
            else:
                first = project.planned_start or year.start
            first = min(first, year.on(9, 20))
            quantiles = sorted(rng.random() for _ in plans[project.code])
            for amount, u in zip(plans[project.code], quantiles):
                payment = Payment(project, amount, year.start, "current")
                pending.append((payment, u, first))
        for payment, u, first in self._receiver_payments:
            pending.append((payment, u, first))
        self._fit_dates(pending)
        current = [payment for payment, _, _ in pending]
        self._fit_planned_ends(current)
        current.sort(key=lambda p: (p.day, p.project.code))
        current = self._add_reversals(current)
        self.data.payments = current + self._carry_payments

    def _reallocate(self, plans: dict[str, list[int]], unpaid_contract: dict[str, int]) -> None:
        rng, year = self.rng, self.year
        by_owner: dict[str, list[Project]] = {}
        for project in self.data.projects:
            by_owner.setdefault(project.owner_code, []).append(project)
        self._receiver_payments: list[tuple[Payment, float, date]] = []
        moves: list[tuple[date, Project | None, Project | None, int, str, str]] = []

        def disbursed_final(project: Project) -> int:
            # Upper bound of everything this project will ever be paid (current + carry-over).
            return sum(plans[project.code]) + unpaid_contract.get(project.code, 0)

        def free(project: Project) -> int:
            return project.current - max(project.contract or 0, disbursed_final(project))

        for owner, group in by_owner.items():
            candidates = [p for p in group if p.budget_type != "investment" or p.contract]
            for project in group:
                roll = rng.random()
                if project.budget_type == "investment" and project.contract is None:
                    if roll < 0.2:  # procurement failed: money moved to another project
                        kind, reason = "change", rng.choice(REASONS_CHANGE)
                    elif roll < 0.35:
                        kind, reason = "return", REASONS_RETURN[1]
                    else:
                        continue
                    amount = free(project)
                    approved = working_day_between(rng, year.on(4, 1), year.on(6, 28))
                elif project.budget_type == "investment":
                    if roll < 0.45:
                        kind, reason = "savings", rng.choice(REASONS_SAVINGS)
                    elif roll < 0.55:
                        kind, reason = "return", REASONS_RETURN[0]
                    else:
                        continue
                    amount = free(project)
                    if kind == "savings" and rng.random() < 0.3:
                        amount = round(amount * rng.uniform(0.5, 0.9) / 10_000) * 10_000
                    approved = min(year.on(8, 30), project.contract_date + timedelta(days=rng.randint(20, 70)))
                    approved = next_working_day(approved)
                else:
                    if roll >= 0.06:
                        continue
                    kind, reason = "return", REASONS_RETURN[2]
                    amount = free(project)
                    approved = working_day_between(rng, year.on(9, 2), year.on(9, 20))
                if amount < 10_000 * 100 or project.role == "receiver":
                    continue
                target = None
                if kind != "return":
                    targets = [p for p in candidates if p is not project and p.role != "source"]
                    if not targets:
                        continue
                    target = rng.choice(targets)
                    target.role = "receiver"
                project.role = "source"
                moves.append((approved, project, target, amount, kind, reason))
        # New money from the central budget to a few projects (no source project).
        for _ in range(year.new_money_grants):
            target = rng.choice(
                [p for p in self.data.projects if p.role != "source" and (p.budget_type != "investment" or p.contract)]
            )
            target.role = "receiver"
            amount = rng.randint(5, 60) * 100_000 * 100
            approved = working_day_between(rng, year.on(1, 7), year.on(6, 28))
            moves.append((approved, None, target, amount, "change", rng.choice(REASONS_NEW_MONEY)))
        moves.sort(key=lambda m: (m[0], m[1].code if m[1] else "", m[2].code if m[2] else ""))
        for seq, (approved, source, target, amount, kind, reason) in enumerate(moves, start=1):
            owner = (source or target).owner_code
            ref_no = f"มท{year.yy}-{owner}/{seq:04d}"
            if source:
                source.moved_out += amount
            if target:
                target.moved_in += amount
                # The receiver spends the new money after approval, mostly in full.
                spent = amount if rng.random() < 0.85 else round(amount * rng.uniform(0.4, 0.9) / 100) * 100
                first = min(approved + timedelta(days=rng.randint(7, 30)), year.on(9, 25))
                for part in split(rng, spent, rng.randint(1, 2)):
                    self._receiver_payments.append(
                        (Payment(target, part, year.start, "current", extra=True), rng.random(), first)
                    )
            self.data.reallocations.append(Reallocation(ref_no, approved, source, target, amount, kind, reason))
        for project in self.data.projects:  # the promise in the module docstring
            assert project.role != "source" or free(project) >= 0, project.code

    def _carry_over(self, plans: dict[str, list[int]], unpaid_contract: dict[str, int]) -> None:
        rng, year = self.rng, self.year
        self._carry_payments: list[Payment] = []
        for project in self.data.projects:
            if project.budget_type == "investment" and project.contract:
                amount = unpaid_contract.get(project.code, 0)
                committed = True
                reason = rng.choice(REASONS_CARRY_COMMITTED)
            elif project.budget_type == "investment" and project.moved_out == 0:
                if rng.random() < year.lapse_uncommitted:
                    continue  # lapses
                amount, committed = project.current, False
                reason = rng.choice(REASONS_CARRY_UNCOMMITTED)
            else:
                continue
            if amount <= 0:
                continue
            assert amount <= project.current - sum(plans[project.code]), project.code
            approved = working_day_between(rng, year.on(9, 9), year.on(9, 27))
            deadline = year.carryover_deadline
            if rng.random() < 0.1:
                deadline = rng.choice((year.after(6, 30), year.after(9, 30)))
            self.data.carryovers.append(Carryover(project, amount, committed, approved, deadline, reason))
            roll = rng.random()
            if roll < 0.62 and committed:
                paid = amount
            elif roll < 0.85:
                paid = round(amount * rng.uniform(0.3, 0.9) / 100) * 100
            else:
                paid = round(amount * rng.uniform(0.0, 0.15) / 100) * 100  # at risk
            if paid <= 0:
                continue
            last = min(deadline, year.as_of)  # nothing is paid after the data date
            days = working_days(year.after(10, 7), last)
            if not days:
                continue  # a year in progress: nothing paid from its carry-over yet
            for part in split(rng, paid, rng.randint(1, 3)):
                self._carry_payments.append(Payment(project, part, rng.choice(days), "carryover"))
        self._carry_payments.sort(key=lambda p: (p.day, p.project.code))

    def _fit_dates(self, pending: list[tuple[Payment, float, date]]) -> None:
        """Date each payment so the national monthly shape is met overall.

        Payment quantiles are drawn once; only the month weights change between passes,
        so the result is deterministic. Each pass scales a month's weight by how far the
        produced monthly total is from the national one.
        """
        curve = self.year.cumulative_pct
        increments = [curve[0]] + [b - a for a, b in itertools.pairwise(curve)]
        wanted = [value / 100 for value in increments]
        weights = list(wanted)
        total = sum(payment.amount for payment, _, _ in pending)
        for _ in range(6):
            calendar = PostingCalendar(self.year, weights)
            produced = [0.0] * 12
            for payment, u, first in pending:
                payment.day = calendar.draw(u, first, self.speed[payment.project.owner_code])
                produced[self.year.month_index(payment.day)] += payment.amount / total
            weights = [
                w * min(3.0, max(0.33, want / max(got, 1e-9))) for w, want, got in zip(weights, wanted, produced)
            ]

    def _fit_planned_ends(self, payments: list[Payment]) -> None:
        """Planned end dates that agree with when each project is actually paid.

        Most projects end a little after their last current-year payment is due; slow
        owners' projects more often end on paper well before they are paid, which is what
        the 'past planned end' flag should catch (a realistic minority, not every project).
        """
        rng = self.rng
        last_paid: dict[str, date] = {}
        for payment in payments:
            code = payment.project.code
            if payment.day and (code not in last_paid or payment.day > last_paid[code]):
                last_paid[code] = payment.day
        for project in self.data.projects:
            start = project.planned_start or self.year.start
            pace = self.pace[project.owner_code]
            paid_until = last_paid.get(project.code)
            if paid_until is None:
                continue  # never paid: keep the plan drawn with the project
            if rng.random() < 0.06 + 0.12 * (1 - pace):
                end = paid_until - timedelta(days=rng.randint(20, 100))  # overran its plan
            else:
                end = paid_until + timedelta(days=rng.randint(0, 45))
            project.planned_end = max(start + timedelta(days=14), min(self.year.end, end))

    def _add_reversals(self, payments: list[Payment]) -> list[Payment]:
        """A few payments reversed a few days later and posted again (net unchanged)."""
        rng = self.rng
        result = list(payments)
        candidates = [p for p in payments if p.amount > 0]
        for original in rng.sample(candidates, min(40, len(candidates))):
            reversal_day = add_working_days(original.day, rng.randint(1, 4))
            quarter_end = self.year.quarter_end(original.day)
            if reversal_day > quarter_end:
                continue  # keep a reversal in the same quarterly file as its original
            repost_day = add_working_days(reversal_day, rng.randint(1, 8))
            if repost_day > self.year.end:
                continue
            reversal = Payment(original.project, -original.amount, reversal_day, "current", reversal_of=original)
            repost = Payment(original.project, original.amount, repost_day, "current")
            result += [reversal, repost]
        result.sort(key=lambda p: (p.day, p.project.code, p.amount < 0))
        return result

    def number_documents(self) -> None:
        rng = self.rng
        number = self.year.current_docs_base() + rng.randint(1000, 9000)
        for payment in self.data.payments:
            if payment.source == "current":
                number += rng.randint(1, 4)
                payment.doc_no = str(number)
        number = self.year.carryover_docs_base() + rng.randint(1000, 9000)
        for payment in self.data.payments:
            if payment.source == "carryover":
                number += rng.randint(1, 4)
                payment.doc_no = str(number)

    def cut_at_data_date(self) -> None:
        """A year in progress: keep only what had happened by the year's data date (`year.as_of`).

        Later payments, reallocations and carry-overs are dropped, contracts signed later are not
        known yet, and current allocations count only the reallocations kept. Run before the
        assets are built, so only projects complete by then have assets.
        """
        today = self.year.as_of
        data = self.data
        data.payments = [p for p in data.payments if p.day <= today]
        data.reallocations = [r for r in data.reallocations if r.approved <= today]
        data.carryovers = [c for c in data.carryovers if c.approved <= today]
        for project in data.projects:
            project.moved_in = project.moved_out = 0
            if project.contract_date is not None and project.contract_date > today:
                project.contract, project.contract_date = None, None
        for move in data.reallocations:
            if move.source:
                move.source.moved_out += move.amount
            if move.target:
                move.target.moved_in += move.amount
