"""`lingxi enterprises …`: thin wrappers over lingxi.enterprises (the command line acts as the system operator)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.table import Table

from lingxi.accounts.principal import SYSTEM
from lingxi.cli_options import HomeOption, JsonOption, echo_json, run_in_transaction

app = typer.Typer(help="§4 enterprise files and demand lists (一企一档 · 需求清单)", no_args_is_help=True)
demands_app = typer.Typer(help="Demand lists (需求清单): import, list, show, status.", no_args_is_help=True)
app.add_typer(demands_app, name="demands")

console = Console()
err_console = Console(stderr=True)


def _print_report(report: dict, what: str, as_json: bool) -> None:
    if as_json:
        echo_json(report)
        return
    console.print(f"{what}: {report['created']} new, {report['updated']} updated, {report['unchanged']} unchanged, "
                  f"{report['rejected']} rejected")
    if report["problems"]:
        table = Table("row", "field", "reason", "value", title="rejected rows 未导入的行")
        for problem in report["problems"]:
            table.add_row(str(problem["row"]), problem["field"] or "", problem["reason"], problem["identifier"] or "")
        console.print(table)


@app.command("import")
def import_command(file: Annotated[Path, typer.Argument(help="Excel .xlsx with one enterprise per row.")],
                   home: HomeOption = None, as_json: JsonOption = False) -> None:
    """Import enterprise files from Excel; bad rows are reported with row number and reason, the rest kept."""
    from lingxi.enterprises.excel_import import import_enterprises

    report = run_in_transaction(home, lambda session: import_enterprises(session, SYSTEM, file).as_dict())
    _print_report(report, "enterprises 企业", as_json)
    if report["rejected"] and not report["created"] + report["updated"] + report["unchanged"]:
        raise typer.Exit(1)


@app.command("import-figures")
def import_figures_command(file: Annotated[Path, typer.Argument(help="Excel .xlsx, one enterprise and year per row.")],
                           home: HomeOption = None, as_json: JsonOption = False) -> None:
    """Import yearly operating figures (企业年度经营数据); bad rows are reported with row number and reason."""
    from lingxi.enterprises.operating import import_operating_years

    report = run_in_transaction(home, lambda session: import_operating_years(session, SYSTEM, file).as_dict())
    _print_report(report, "operating figures 年度经营数据", as_json)
    if report["rejected"] and not report["created"] + report["updated"] + report["unchanged"]:
        raise typer.Exit(1)


@app.command("list")
def list_command(home: HomeOption = None, as_json: JsonOption = False,
                 name: Annotated[Optional[str], typer.Option(help="Part of the name.")] = None,
                 industry: Annotated[Optional[str], typer.Option(help="GB/T 4754 code or its prefix.")] = None,
                 page: int = 1, page_size: Annotated[int, typer.Option("--page-size")] = 50) -> None:
    """Enterprise files, by name."""
    from lingxi.enterprises.files import list_enterprises

    result = run_in_transaction(home, lambda session: list_enterprises(session, SYSTEM, page, page_size, name=name,
                                                         industry=industry))
    if as_json:
        echo_json({"items": result.items, "total": result.total, "page": result.page,
                    "page_size": result.page_size, "pages": result.pages})
        return
    table = Table("id", "name 名称", "credit code 信用代码", "city 城市", "industry 行业", "size 规模",
                  title=f"{result.total} enterprises")
    for item in result.items:
        table.add_row(str(item["id"]), item["name"], item.get("credit_code") or "", item.get("city") or "",
                      f"{item['industry_code'] or ''} {item['industry_name'] or ''}", item["size_class"] or "")
    console.print(table)


@app.command("show")
def show_command(organisation_id: Annotated[int, typer.Argument(help="Organisation id of the enterprise.")],
                 home: HomeOption = None, as_json: JsonOption = False) -> None:
    """One enterprise file (一企一档): profile, patents, links, demands, pledges, training, due diligence."""
    from lingxi.enterprises.files import enterprise_file

    file = run_in_transaction(home, lambda session: enterprise_file(session, SYSTEM, organisation_id))
    if as_json:
        echo_json(file)
        return
    console.print(f"[bold]{file['name']}[/]  {file.get('credit_code') or ''}  {file.get('province') or ''}"
                  f"{file.get('city') or ''}")
    console.print(f"industry 行业: {file['industry_code'] or '—'} {file['industry_name'] or ''} · size 规模: "
                  f"{file['size_class'] or '—'} · products 主营: {file['products'] or '—'}")
    console.print(f"patents 专利: {file['patents']['total']} · links 关联主体: {len(file['links'])} · "
                  f"demands 需求: {len(file['demands'])} · training 培训: {len(file['training'])}")
    console.print(file["deals"]["message_zh"] + " / " + file["deals"]["message_en"])


@app.command("links")
def links_command(organisation_id: int, home: HomeOption = None, as_json: JsonOption = False,
                  confirm: Annotated[Optional[list[int]], typer.Option(help="Link id to confirm (repeatable).")] = None,
                  reject: Annotated[Optional[list[int]], typer.Option(help="Link id to reject (repeatable).")] = None
                  ) -> None:
    """Suggest the parties (patent applicant names) that are this enterprise, and confirm or reject them."""
    from lingxi.enterprises.patent_links import decide_link, suggest_links

    def work(session):
        for link_id in confirm or []:
            decide_link(session, SYSTEM, link_id, "confirm")
        for link_id in reject or []:
            decide_link(session, SYSTEM, link_id, "reject")
        return suggest_links(session, SYSTEM, organisation_id)

    links = run_in_transaction(home, work)
    if as_json:
        echo_json(links)
        return
    table = Table("id", "party 申请人", "score", "status 状态", "evidence")
    for link in links:
        table.add_row(str(link["id"]), link["party_name"], f"{link['score']:.2f}", link["status"],
                      f"{link['evidence'].get('method', '')}, {link['evidence'].get('patents', '?')} patents")
    console.print(table)


@app.command("mine")
def mine_command(organisation_id: int, home: HomeOption = None, as_json: JsonOption = False,
                 limit: Annotated[int, typer.Option(help="How many draft demands at most.")] = 3) -> None:
    """Demand mining: store draft demands for the technologies the enterprise probably lacks."""
    from lingxi.enterprises.demand_mining import mine_demands

    drafts = run_in_transaction(home, lambda session: mine_demands(session, SYSTEM, organisation_id, limit))
    if as_json:
        echo_json(drafts)
        return
    if not drafts:
        console.print("no gap found (the enterprise needs tagged patents or main products in its file)")
    for draft in drafts:
        console.print(f"[bold]#{draft['id']}[/] {draft['title']}\n  {draft['description']}")


@demands_app.command("import")
def demands_import(file: Annotated[Path, typer.Argument(help="Excel .xlsx with one demand per row.")],
                   home: HomeOption = None, as_json: JsonOption = False) -> None:
    """Import demands from Excel; each row names its enterprise (企业名称 or 统一社会信用代码)."""
    from lingxi.enterprises.demand_import import import_demands

    report = run_in_transaction(home, lambda session: import_demands(session, SYSTEM, file).as_dict())
    _print_report(report, "demands 需求", as_json)
    if report["rejected"] and not report["created"] + report["updated"] + report["unchanged"]:
        raise typer.Exit(1)


@demands_app.command("list")
def demands_list(home: HomeOption = None, as_json: JsonOption = False,
                 status: Optional[str] = None,
                 chain_node: Annotated[Optional[str], typer.Option("--chain-node")] = None,
                 mode: Optional[str] = None,
                 organisation_id: Annotated[Optional[int], typer.Option("--organisation-id")] = None,
                 drafts: Annotated[bool, typer.Option(help="Include unconfirmed mined drafts.")] = False,
                 page: int = 1, page_size: Annotated[int, typer.Option("--page-size")] = 50) -> None:
    """Demands, newest first, with filters."""
    from lingxi.enterprises.demands import list_demands

    result = run_in_transaction(home, lambda session: list_demands(
        session, SYSTEM, page, page_size, status=status, chain_node=chain_node, mode=mode,
        organisation_id=organisation_id, confirmed=None if drafts else True))
    if as_json:
        echo_json({"items": result.items, "total": result.total, "page": result.page,
                    "page_size": result.page_size, "pages": result.pages})
        return
    table = Table("id", "enterprise 企业", "title 需求", "chain node 节点", "mode 方式", "status 状态",
                  title=f"{result.total} demands")
    for item in result.items:
        table.add_row(str(item["id"]), item["organisation_name"] or "", item["title"],
                      item["chain_node_name"] or item["chain_node"] or "", item["preferred_mode"] or "",
                      item["status"])
    console.print(table)


@demands_app.command("show")
def demands_show(demand_id: int, home: HomeOption = None, as_json: JsonOption = False) -> None:
    """One demand with its status history."""
    from lingxi.enterprises.demands import get_demand

    demand = run_in_transaction(home, lambda session: get_demand(session, SYSTEM, demand_id))
    if as_json:
        echo_json(demand)
        return
    console.print(f"[bold]#{demand['id']} {demand['title']}[/] ({demand['status']})  {demand['organisation_name']}")
    console.print(demand["description"])
    for step in demand["history"]:
        console.print(f"  {step['at'][:16]}  {step['from_status'] or '—'} → {step['to_status']}  {step['actor']}  "
                      f"{step['reason']}")


@demands_app.command("status")
def demands_status(demand_id: int,
                   to_status: Annotated[str, typer.Argument(help="matched, negotiating, solved, closed")],
                   reason: Annotated[str, typer.Option(help="Why (kept in the history).")] = "",
                   home: HomeOption = None, as_json: JsonOption = False) -> None:
    """Move a demand along its life-cycle (new → matched → negotiating → solved; closed from any)."""
    from lingxi.enterprises.demands import change_status

    demand = run_in_transaction(home, lambda session: change_status(session, SYSTEM, demand_id, to_status, reason))
    if as_json:
        echo_json(demand)
    else:
        console.print(f"demand {demand_id} is now {demand['status']}")
