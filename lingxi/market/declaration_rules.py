"""The rules an open-licence declaration must pass before publication, each with its legal basis.

Patent Law art. 50 and Implementing Regulations arts. 85–86 (REFERENCE.md §4): the declaration holds the patent
number, the patentee, the payment method and fee standard and the licence term; the patent is granted and in force,
its annual fees are paid, no exclusive or sole licence is in force, no suspension or preservation is in place, a
pledged patent has the pledgee's consent, a utility model or design has its evaluation report, and the text carries
no advertising language. Every failed rule is reported by its code, so a refusal says exactly what to fix.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from lingxi.db.models import OpenLicenceDeclaration, PatentLegalEvent, PledgeRecord
from lingxi.market.deals import exclusive_licences_in_force
from lingxi.value.facts import Right, judge_in_force, load_rights

RULES = {  # code → (legal basis, Chinese label)
    "required_fields": ("Implementing Regulations art. 85", "声明须载明专利号、专利权人、支付方式与标准、许可期限"),
    "patentee_matches_register": ("Implementing Regulations art. 85", "专利权人须与登记的权利人一致"),
    "granted_in_force": ("Patent Law art. 50; Implementing Regulations art. 85", "专利须已公告授权且有效"),
    "annual_fees_paid": ("Implementing Regulations art. 86", "不得欠缴年费"),
    "no_exclusive_or_sole_licence": ("Implementing Regulations art. 86; Patent Law art. 51",
                                     "不得存在有效的独占或排他许可"),
    "no_suspension_or_preservation": ("Implementing Regulations art. 86 (arts. 103, 104)",
                                      "不得处于权属纠纷中止或保全状态"),
    "pledgee_consent": ("Implementing Regulations art. 86", "已质押的须经质权人同意"),
    "evaluation_report": ("Patent Law art. 50", "实用新型、外观设计须提交专利权评价报告"),
    "no_advertising": ("Implementing Regulations art. 85", "不得含有商业性宣传用语"),
    "one_declaration_per_patent": ("platform rule", "同一专利同时只能有一份有效的开放许可声明"),
}
_FEE_WORDS = ("未缴年费", "欠缴年费", "欠费", "年费滞纳", "unpaid annual fee", "unpaid fee", "fee arrears",
              "non-payment")
_HOLD_WORDS = ("中止", "保全", "suspension", "preservation")
_RELEASE_WORDS = ("解除", "恢复", "终结", "release", "lifted", "resum")
TEXT_FIELDS = ("patentee", "payment_method", "fee_standard", "other_matters")


@dataclass(frozen=True)
class RuleFailure:
    code: str
    message: str
    field: str | None = None

    @property
    def basis(self) -> str:
        return RULES[self.code][0]

    def as_dict(self) -> dict:
        return {"rule": self.code, "basis": self.basis, "label_zh": RULES[self.code][1], "message": self.message,
                "field": self.field}


def _norm(name: str) -> str:
    return re.sub(r"[\s()（）·,，.;；]", "", name or "").lower()


def advertising_hits(texts: dict[str, str | None], words: list[str]) -> list[tuple[str, str]]:
    """(field, word) for every advertising word found, case-insensitive."""
    hits = []
    for field, value in texts.items():
        lowered = (value or "").lower()
        hits.extend((field, word) for word in words if word.lower() in lowered)
    return hits


def _latest_unreleased(events: list[tuple[dt.date | None, str]], words, today: dt.date) -> str | None:
    """The description of a hold (suspension, preservation, pledge) that no later release lifted, if any."""
    hold = None
    for day, text in sorted(events, key=lambda e: (e[0] or dt.date.min)):
        if day is not None and day > today:
            continue
        lowered = text.lower()
        if any(w in lowered for w in words):
            hold = None if any(w in lowered for w in _RELEASE_WORDS) else text
    return hold


def check_declaration(session: Session, declaration: OpenLicenceDeclaration, advertising_words: list[str],
                      today: dt.date) -> list[RuleFailure]:
    failures: list[RuleFailure] = []
    for field in ("patent_number", "patentee", "payment_method", "fee_standard"):
        if not (getattr(declaration, field) or "").strip():
            failures.append(RuleFailure("required_fields", f"{field} is missing", field))
    if not declaration.licence_term_years or declaration.licence_term_years < 1:
        failures.append(RuleFailure("required_fields", "licence_term_years is missing", "licence_term_years"))

    right: Right | None = next((r for r in load_rights(session, [declaration.patent_id], today)
                                if declaration.patent_id in r.patent_ids), None)
    if right is None:
        return [*failures, RuleFailure("granted_in_force", f"patent {declaration.patent_id} not found", "patent_id")]
    ids = right.patent_ids

    holders = [h.name for h in right.holders]
    if holders and declaration.patentee and _norm(declaration.patentee) not in {_norm(h) for h in holders} \
            and not all(_norm(part) in {_norm(h) for h in holders}
                        for part in re.split(r"[;；、]", declaration.patentee) if part.strip()):
        failures.append(RuleFailure("patentee_matches_register",
                                    f"patentee {declaration.patentee!r} is not the registered holder "
                                    f"({right.holder_names})", "patentee"))

    in_force, reason = judge_in_force(right, today)
    if right.grant_date is None and "not granted" in reason:
        failures.append(RuleFailure("granted_in_force", "the grant has not been announced; a declaration may be "
                                                        "filed only after grant", "patent_id"))
    elif not in_force:
        failures.append(RuleFailure("granted_in_force", f"the patent is not in force: {reason}", "patent_id"))

    events = [(day, f"{cls} {text or ''}") for day, cls, text in session.execute(
        select(PatentLegalEvent.date, PatentLegalEvent.event_class, PatentLegalEvent.description)
        .where(PatentLegalEvent.patent_id.in_(ids)))]
    status = (right.legal_status or "").lower()
    fee_event = _latest_unreleased(events, _FEE_WORDS, today)
    if any(w in status for w in _FEE_WORDS) or fee_event:
        failures.append(RuleFailure("annual_fees_paid", "annual fees are in arrears: "
                                    + (f"legal status {right.legal_status!r}" if any(w in status for w in _FEE_WORDS)
                                       else f"legal event {fee_event!r}"), "patent_id"))

    exclusive = exclusive_licences_in_force(session, ids, today)
    if exclusive:
        failures.append(RuleFailure("no_exclusive_or_sole_licence",
                                    f"an exclusive or sole licence is in force (deal {next(iter(exclusive.values()))})",
                                    "patent_id"))
    hold = _latest_unreleased(events, _HOLD_WORDS, today)
    if hold:
        failures.append(RuleFailure("no_suspension_or_preservation", f"in place: {hold.strip()!r}", "patent_id"))

    pledges = session.execute(select(PledgeRecord.pledgee, PledgeRecord.released_on)
                              .where(PledgeRecord.patent_id.in_(ids))).all()
    active = [pledgee for pledgee, released in pledges if released is None or released > today]
    pledge_event = None if pledges else _latest_unreleased(
        [(d, t) for d, t in events if t.startswith("pledge") or "质押" in t], ("pledge", "质押"), today)
    if (active or pledge_event) and not declaration.pledgee_consent:
        who = f"pledgee {active[0]}" if active else f"legal event {pledge_event.strip()!r}"
        failures.append(RuleFailure("pledgee_consent", f"the patent is pledged ({who}) and the pledgee's consent "
                                                       "is not recorded", "pledgee_consent"))

    if right.doc_type in ("utility_model", "design") and not (declaration.evaluation_report or "").strip():
        failures.append(RuleFailure("evaluation_report", f"a {right.doc_type.replace('_', ' ')} needs its "
                                                         "evaluation report (专利权评价报告)", "evaluation_report"))

    texts = {field: getattr(declaration, field) for field in TEXT_FIELDS}
    for field, word in advertising_hits(texts, advertising_words):
        failures.append(RuleFailure("no_advertising", f"{field} contains advertising wording {word!r}", field))

    other = session.scalars(select(OpenLicenceDeclaration.id).where(
        OpenLicenceDeclaration.patent_id.in_(ids), OpenLicenceDeclaration.status == "published",
        OpenLicenceDeclaration.id != declaration.id)).first()
    if other is not None:
        failures.append(RuleFailure("one_declaration_per_patent",
                                    f"open-licence declaration {other} is already published for this patent",
                                    "patent_id"))
    return failures
