"""Demo finance data for the fictional province: two banks with pledge-loan products, an insurer with IP insurance,
and a few pledge cases (registered, released, one still applied for) on patents that pass the products' rules.
Idempotent: runs once (it looks for the demo banks first)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from lingxi.accounts.principal import Principal
from lingxi.db import Database
from lingxi.db.audit import acting_as
from lingxi.db.models import Organisation
from lingxi.db.models.finance import FinancialInstitution
from lingxi.finance import institutions, matching, pledges

DEMO_OPERATOR = Principal(user_id=None, username="demo", role="operator", display_name="demo")
BANK = "青峦银行科技支行"  # the demo financier's organisation
SECOND_BANK = "云川农商银行"
INSURER = "青峦财产保险股份有限公司"


def seed_demo(db: Database) -> None:
    with db.sessions() as session, session.begin():
        acting_as(session, DEMO_OPERATOR)
        if session.scalar(select(FinancialInstitution.id).where(FinancialInstitution.name == BANK)):
            return
        bank_org = session.scalar(select(Organisation.id).where(Organisation.name == BANK))
        bank = institutions.create_institution(session, DEMO_OPERATOR, BANK, "bank", organisation_id=bank_org,
                                               province="青峦省", city="青峦市", contact="科技金融部 何苗")
        second = institutions.create_institution(session, DEMO_OPERATOR, SECOND_BANK, "bank", province="青峦省",
                                                 city="云川市")
        insurer = institutions.create_institution(session, DEMO_OPERATOR, INSURER, "insurer", province="青峦省")
        loan = institutions.create_product(
            session, DEMO_OPERATOR, bank["id"], "科创知识产权质押贷", "pledge_loan", rate_min="0.0345",
            rate_max="0.0450", amount_min_yuan="100000", amount_max_yuan="10000000", term_months_min=6,
            term_months_max=36, loan_to_value="0.40",
            eligibility={"min_grade": "B", "patent_types": ["invention"], "min_remaining_years": 3},
            description="发明专利质押，质押率不超过评估值下限的 40%，贴息政策可叠加。")
        institutions.create_product(
            session, DEMO_OPERATOR, second["id"], "小微专利快贷", "pledge_loan", rate_min="0.0380",
            rate_max="0.0550", amount_min_yuan="50000", amount_max_yuan="3000000", term_months_min=3,
            term_months_max=24, loan_to_value="0.30",
            eligibility={"min_grade": "C", "patent_types": ["invention", "utility_model"],
                         "size_classes": ["micro", "small"], "provinces": ["青峦省"]},
            description="面向小微企业，发明与实用新型均可质押。")
        institutions.create_product(
            session, DEMO_OPERATOR, insurer["id"], "专利执行保险", "insurance", rate_min="0.0100", rate_max="0.0250",
            amount_min_yuan="100000", amount_max_yuan="5000000", term_months_min=12, term_months_max=12,
            eligibility={"patent_types": ["invention", "utility_model"]},
            description="承保维权诉讼费用，保费按保额的 1%–2.5%。")
        today = dt.date.today()
        listed = matching.eligible_patents(session, DEMO_OPERATOR, product_id=loan["id"], page_size=20, today=today)
        items = listed["items"]
        for number, (row, amount) in enumerate(zip(items[:3], ("3000000", "1200000", "800000"))):
            case = pledges.apply(session, DEMO_OPERATOR, loan["id"], [row["patent_id"]], amount, term_months=24,
                                 pledgor=row["holders"] or "—", applied_on=today - dt.timedelta(days=400 - 90 * number),
                                 today=today)
            if number < 2:
                registered = today - dt.timedelta(days=380 - 90 * number)
                pledges.register(session, DEMO_OPERATOR, case["id"], registered, f"Y{registered.year}99000{number + 1}")
            if number == 0:
                pledges.release(session, DEMO_OPERATOR, case["id"], today - dt.timedelta(days=20))
