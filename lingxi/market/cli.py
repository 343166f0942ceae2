"""`lingxi market …`: thin wrappers over lingxi.market (the command line acts as the system operator)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.table import Table

from lingxi.accounts.principal import SYSTEM
from lingxi.cli_options import HomeOption, JsonOption, echo_json, run_in_transaction

app = typer.Typer(help="§6 listings, open licences, deals and events (挂牌交易 · 开放许可)", no_args_is_help=True)
deals_app = typer.Typer(help="Deals (交易): list, show, move, export; filing reminders.", no_args_is_help=True)
app.add_typer(deals_app, name="deals")

console = Console()
err_console = Console(stderr=True)


def _data(pairs: list[str]) -> dict[str, str]:
    data = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep:
            err_console.print(f"[red]--set takes KEY=VALUE, got {pair!r}[/]")
            raise typer.Exit(2)
        data[key.strip()] = value
    return data


@deals_app.command("list")
def deals_list(home: HomeOption = None, as_json: JsonOption = False,
               state: Annotated[Optional[str], typer.Option(help="draft, signed, filed, registered, …")] = None,
               kind: Annotated[Optional[str], typer.Option(help="transfer, licence_ordinary, open_licence, …")] = None,
               page: int = 1, page_size: Annotated[int, typer.Option("--page-size")] = 50) -> None:
    """Deals with state, amounts and filing deadline."""
    from lingxi.market.deals import list_deals

    result = run_in_transaction(home, lambda session: list_deals(session, SYSTEM, state=state, kind=kind, page=page,
                                                   page_size=page_size))
    if as_json:
        echo_json(result)
        return
    table = Table("id", "kind", "state", "title", "counterparty", "amount ¥", "received ¥", "filing deadline",
                  title=f"deals 交易 ({result['total']})")
    for d in result["items"]:
        table.add_row(str(d["id"]), d["kind_zh"], d["state_zh"], d["title"], d["counterparty"],
                      d["contract_amount_yuan"] or "", d["received_yuan"],
                      (d["filing_deadline"] or "") + (" overdue" if d["filing_overdue"] else ""))
    console.print(table)


@deals_app.command("show")
def deals_show(deal_id: int, home: HomeOption = None, as_json: JsonOption = False) -> None:
    """One deal with its transitions and payments."""
    from lingxi.market.deals import get_deal

    deal = run_in_transaction(home, lambda session: get_deal(session, SYSTEM, deal_id))
    if as_json:
        echo_json(deal)
        return
    for key in ("id", "kind_zh", "title", "state_zh", "version", "supplier", "counterparty", "contract_amount_yuan",
                "received_yuan", "signed_on", "effective_on", "filing_deadline", "filing_number",
                "registration_number", "implementation_status"):
        console.print(f"[bold]{key}[/]: {deal[key] if deal[key] is not None else ''}")
    for t in deal["transitions"]:
        console.print(f"  {t['at']} {t['actor']}: {t['from'] or '—'} → {t['to']} {t['note'] or ''}")


@deals_app.command("move")
def deals_move(deal_id: int, to_state: str,
               version: Annotated[int, typer.Option("--version", help="The version you last saw (409 if stale).")],
               set_: Annotated[list[str], typer.Option("--set", help="Step data KEY=VALUE, e.g. "
                                                       "filing_number=…, signed_on=2026-05-01")] = [],  # noqa: B006
               home: HomeOption = None, as_json: JsonOption = False) -> None:
    """Move a deal to its next state (signed, filed, registered, in_implementation, closed, cancelled)."""
    from lingxi.market.deals import transition

    deal = run_in_transaction(home, lambda session: transition(session, SYSTEM, deal_id, to_state, version, _data(set_)))
    if as_json:
        echo_json(deal)
    else:
        console.print(f"deal {deal['id']}: {deal['state_zh']} (version {deal['version']})")


@deals_app.command("export")
def deals_export(output: Annotated[Path, typer.Option("--output", "-o", help="Excel file to write.")],
                 home: HomeOption = None) -> None:
    """Every deal to Excel, with the transition log."""
    from lingxi.market.deals_excel import write_deals

    data = run_in_transaction(home, lambda session: write_deals(session, SYSTEM))
    output.write_bytes(data)
    console.print(f"wrote {output}")


@deals_app.command("reminders")
def deals_reminders(home: HomeOption = None, as_json: JsonOption = False,
                    within_days: Annotated[Optional[int], typer.Option("--within-days")] = None) -> None:
    """Licence filings due soon and overdue (3 months from the contract taking effect)."""
    from lingxi.market.reminders import filing_reminders, overdue_filings

    result = run_in_transaction(home, lambda session: {"due": filing_reminders(session, SYSTEM, within_days=within_days),
                                         "overdue": overdue_filings(session, SYSTEM)})
    if as_json:
        echo_json(result)
        return
    table = Table("deal", "title", "deadline", "days left", title="licence filings 许可合同备案")
    for d in [*result["overdue"]["items"], *result["due"]["items"]]:
        table.add_row(str(d["id"]), d["title"], d["filing_deadline"], str(d["days_left"]))
    console.print(table)


@deals_app.command("remind")
def deals_remind(home: HomeOption = None, as_json: JsonOption = False) -> None:
    """Send due / overdue filing reminders to the brokers' inboxes (once per deal and stage; run it daily)."""
    from lingxi.market.reminders import send_filing_reminders

    result = run_in_transaction(home, lambda session: send_filing_reminders(session, SYSTEM))
    if as_json:
        echo_json(result)
    else:
        console.print(f"{result['sent']} reminders sent, {result['skipped']} already sent or without a broker")


@app.command("listings")
def listings_command(home: HomeOption = None, as_json: JsonOption = False,
                     status: Annotated[Optional[str], typer.Option(help="submitted, approved, dealt, …")] = None,
                     ) -> None:
    """Listings (挂牌) with phase and grades."""
    from lingxi.market.listings import list_listings

    result = run_in_transaction(home, lambda session: list_listings(session, SYSTEM, status=status, page_size=200))
    if as_json:
        echo_json(result)
        return
    table = Table("id", "title", "mode", "asking ¥", "phase", "grades", title=f"listings 挂牌 ({result['total']})")
    for item in result["items"]:
        table.add_row(str(item["id"]), item["title"], item["mode_zh"], item["asking_price_yuan"] or item["terms"] or "",
                      item["phase"], " ".join(g or "—" for g in item["grades"]))
    console.print(table)


@app.command("open-licences")
def open_licences_command(home: HomeOption = None, as_json: JsonOption = False,
                          field: Annotated[Optional[str], typer.Option(help="IPC prefix or chain node.")] = None,
                          max_fee: Annotated[Optional[str], typer.Option("--max-fee")] = None,
                          holder_type: Annotated[Optional[str], typer.Option("--holder-type")] = None) -> None:
    """The open-licence market (开放许可): published declarations."""
    from lingxi.market.open_licences import market

    result = run_in_transaction(home, lambda session: market(session, SYSTEM, field=field, max_fee=max_fee,
                                               holder_type=holder_type, page_size=200))
    if as_json:
        echo_json(result)
        return
    table = Table("id", "patent", "patentee", "fee standard", "on acceptance ¥", "years",
                  title=f"open licences 开放许可 ({result['total']})")
    for d in result["items"]:
        table.add_row(str(d["id"]), d["patent_number"], d["patentee"], d["fee_standard"], d["upfront_fee_yuan"],
                      str(d["licence_term_years"]))
    console.print(table)


@app.command("check-declaration")
def check_declaration_command(declaration_id: int, home: HomeOption = None, as_json: JsonOption = False) -> None:
    """Every publication rule of an open-licence declaration, passed or failed (exit 1 if any fails)."""
    from lingxi.market.open_licences import check

    result = run_in_transaction(home, lambda session: check(session, SYSTEM, declaration_id))
    if as_json:
        echo_json(result)
    else:
        for rule in result["rules"]:
            console.print(f"{'✓' if rule['passed'] else '[red]✗[/]'} {rule['rule']} — {rule['label_zh']} "
                          f"({rule['basis']})")
        for failure in result["failures"]:
            console.print(f"[red]{failure['rule']}: {failure['message']}[/]")
    if not result["publishable"]:
        raise typer.Exit(1)


@app.command("events")
def events_command(home: HomeOption = None, as_json: JsonOption = False,
                   year: Annotated[Optional[int], typer.Option()] = None) -> None:
    """Events (对接会/路演/拍卖/培训) and their totals."""
    from lingxi.market.events import event_stats, list_events

    result = run_in_transaction(home, lambda session: {"events": list_events(session, SYSTEM, year=year),
                                         "stats": event_stats(session, SYSTEM, year)})
    if as_json:
        echo_json(result)
        return
    table = Table("date", "kind", "title", "participants", "trainees", "deals", title="events 活动")
    for e in result["events"]:
        table.add_row(e["held_on"], e["kind_zh"], e["title"], str(len(e["participants"])), str(e["trainees"]),
                      str(len(e["deal_ids"])))
    console.print(table)
    console.print(f"{result['stats']['events']} events, {result['stats']['trainees']} trainees")


@app.command("parameters")
def parameters_command(home: HomeOption = None, as_json: JsonOption = False) -> None:
    """Market parameters ([U] values) with their defaults."""
    from lingxi.market.parameters import list_parameters

    result = run_in_transaction(home, lambda session: list_parameters(session, SYSTEM))
    if as_json:
        echo_json(result)
        return
    for p in result:
        console.print(f"{p['key']} = {json.dumps(p['value'], ensure_ascii=False)[:100]}"
                      f"{' [U]' if p['uncertain'] else ''} — {p['label_zh']}")


@app.command("set-parameter")
def set_parameter_command(key: str, value: Annotated[str, typer.Argument(help="A JSON value (number, list …).")],
                          home: HomeOption = None) -> None:
    """Set a market parameter, e.g. `publicity_days 20`."""
    from lingxi.market.parameters import set_parameter

    try:
        parsed = json.loads(value)
    except json.JSONDecodeError:
        parsed = value
    result = run_in_transaction(home, lambda session: set_parameter(session, SYSTEM, key, parsed))
    console.print(f"{result['key']} = {json.dumps(result['value'], ensure_ascii=False)}")
