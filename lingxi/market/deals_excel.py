"""Excel export of deals: one row per deal, amounts as numbers with two decimals (Excel sums them exactly as
shown), dates as dates, plus a sheet of the transition log so the export carries the audit trail too."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Font
from sqlalchemy import select
from sqlalchemy.orm import Session

from lingxi.db.models import DealTransition, Patent
from lingxi.market.deals import all_visible_deals

COLUMNS = [  # (key, Chinese header, English header)
    ("id", "编号", "ID"), ("reference", "合同编号", "Contract no."), ("kind_zh", "类型", "Kind"),
    ("title", "名称", "Title"), ("state_zh", "状态", "State"), ("patents", "专利", "Patents"),
    ("supplier", "让与方/许可方", "Supplier"), ("counterparty", "受让方/被许可方", "Counterparty"),
    ("contract_amount_yuan", "合同金额（元）", "Contract amount (yuan)"),
    ("received_yuan", "到账金额（元）", "Received (yuan)"), ("outstanding_yuan", "未到账（元）", "Outstanding (yuan)"),
    ("signed_on", "签约日期", "Signed"), ("effective_on", "生效日期", "Effective"),
    ("filing_deadline", "备案期限", "Filing deadline"), ("filing_number", "备案号", "Filing no."),
    ("filed_on", "备案日期", "Filed"), ("registration_number", "登记号", "Registration no."),
    ("registered_on", "登记日期", "Registered"), ("implementation_status", "实施情况", "Implementation"),
    ("closed_on", "完结日期", "Closed"), ("cancel_reason", "取消原因", "Cancel reason"),
]
MONEY = {"contract_amount_yuan", "received_yuan", "outstanding_yuan"}
DATES = {"signed_on", "effective_on", "filing_deadline", "filed_on", "registered_on", "closed_on"}


def write_deals(session: Session, actor, today: dt.date | None = None) -> bytes:
    deals = all_visible_deals(session, actor, today)
    numbers = dict(session.execute(select(Patent.id, Patent.publication_number).where(
        Patent.id.in_({pid for d in deals for pid in d["patent_ids"]}))).all()) if deals else {}
    book = Workbook()
    sheet = book.active
    sheet.title = "交易 Deals"
    sheet.append([f"{zh} {en}" for _key, zh, en in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for deal in deals:
        row = []
        for key, _zh, _en in COLUMNS:
            value = deal.get(key)
            if key == "patents":
                value = "；".join(numbers.get(pid) or str(pid) for pid in deal["patent_ids"])
            elif key in MONEY and value is not None:
                value = Decimal(value)
            elif key in DATES and value is not None:
                value = dt.date.fromisoformat(value)
            row.append(value)
        sheet.append(row)
        for index, (key, _zh, _en) in enumerate(COLUMNS, start=1):
            cell = sheet.cell(row=sheet.max_row, column=index)
            if key in MONEY:
                cell.number_format = "#,##0.00"
            elif key in DATES:
                cell.number_format = "yyyy-mm-dd"
    log = book.create_sheet("流转记录 Transitions")
    log.append(["交易编号 Deal", "从 From", "到 To", "操作人 Actor", "时间 At", "备注 Note"])
    ids = [d["id"] for d in deals]
    if ids:
        for t in session.scalars(select(DealTransition).where(DealTransition.deal_id.in_(ids))
                                 .order_by(DealTransition.deal_id, DealTransition.id)):
            log.append([t.deal_id, t.from_state, t.to_state, t.actor, t.at, t.note])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
