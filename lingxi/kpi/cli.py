"""`lingxi kpi …`: programmes and their KPI reports (thin over lingxi.kpi; the command line acts as the system)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from lingxi.accounts.principal import SYSTEM
from lingxi.cli_options import HomeOption, JsonOption, echo_json, fail, run_in_transaction

app = typer.Typer(help="§12 programme KPIs (绩效目标): programmes, target vs actual, drill-down, Excel",
                  no_args_is_help=True)
console = Console()

STATUS_STYLE = {"met": "green", "on_track": "yellow", "behind": "red", "no_data": "dim", "pending": "dim"}


@app.command("programmes")
def programmes_command(home: HomeOption = None, as_json: JsonOption = False) -> None:
    """The programmes (the shipped templates are installed on first use)."""
    from lingxi.kpi.programmes import install_templates, list_programmes

    def work(session):
        install_templates(session, SYSTEM)
        return list_programmes(session, SYSTEM)

    rows = run_in_transaction(home, work)
    if as_json:
        echo_json(rows)
        return
    table = Table("key", "name", "region", "years", "indicators", title="programmes 专项计划")
    for p in rows:
        region = " / ".join(x for x in (p["province"], p["city"], p["park"]) if x)
        table.add_row(p["key"], p["name"], region, f"{p['start_year']}–{p['end_year']}", str(p["indicators"]))
    console.print(table)


@app.command("import")
def import_command(path: Path, replace: Annotated[bool, typer.Option(help="Replace a programme of the same key.")]
                   = False, home: HomeOption = None, as_json: JsonOption = False) -> None:
    """Create a programme from a YAML file (see lingxi/kpi/data/) or an Excel workbook (docs/kpi.md)."""
    from lingxi.kpi.programme_excel import programme_from_xlsx
    from lingxi.kpi.programmes import create_programme, parse_programme, programme_summary

    if not path.is_file():
        fail(f"no file {path}")
    if path.suffix.lower() == ".xlsx":
        parse = lambda: programme_from_xlsx(path.read_bytes(), path.name)
    else:
        parse = lambda: parse_programme(path.read_text(encoding="utf-8"), path.name)
    summary = run_in_transaction(home, lambda s: programme_summary(create_programme(s, SYSTEM, parse(), replace)))
    if as_json:
        echo_json(summary)
    else:
        console.print(f"programme [bold]{summary['key']}[/] with {summary['indicators']} indicators")


def _print_report(result: dict) -> None:
    years = result["years"]
    table = Table("#", "indicator", "unit", *[f"{y} target / actual" for y in years],
                  title=f"{result['programme']['name']} (as of {result['as_of']})")
    for item in result["indicators"]:
        cells = []
        for row in item["years"]:
            target = f"≥ {row['target']:g}" if item["target_kind"] == "yearly" and row["target"] is not None \
                else item["target_text"]
            actual = "no data" if row["actual"] is None else f"{row['actual']:g}"
            if item["target_kind"] == "growth" and row["cagr_pct"] is not None:
                actual += f" ({row['cagr_pct']:+.1f}%/yr)"
            style = STATUS_STYLE.get(row["status"], "")
            cells.append(f"{target} / [{style}]{actual} {row['status']}[/]" if style
                         else f"{target} / {actual} {row['status']}")
        table.add_row(item["number"], item["name_zh"], item["unit"], *cells)
    console.print(table)


def _report(home, programme: str, year: int | None):
    from lingxi.kpi.programmes import install_templates
    from lingxi.kpi.report import programme_report

    def work(session):
        install_templates(session, SYSTEM)
        return programme_report(session, SYSTEM, programme, year=year)

    return run_in_transaction(home, work)


def _write_xlsx(result: dict, path: Path) -> None:
    from lingxi.kpi.excel import report_workbook

    path.write_bytes(report_workbook(result))
    console.print(f"wrote {path}", highlight=False)


@app.command("show")
def show_command(programme: str, year: Annotated[int | None, typer.Option(help="One year only.")] = None,
                 home: HomeOption = None, as_json: JsonOption = False) -> None:
    """Target vs actual of every indicator, per year, with status (met / on_track / behind / no_data)."""
    result = _report(home, programme, year)
    echo_json(result) if as_json else _print_report(result)


@app.command("report")
def report_command(programme: Annotated[str, typer.Option("--programme", help="Key, id or name of the programme.")],
                   year: Annotated[int | None, typer.Option(help="One year only.")] = None,
                   xlsx: Annotated[Path | None, typer.Option("--xlsx", help="Write the Excel table here.")] = None,
                   home: HomeOption = None, as_json: JsonOption = False) -> None:
    """The KPI report of a programme: JSON, an Excel table in the programme's layout, or a table on screen."""
    result = _report(home, programme, year)
    if xlsx:
        _write_xlsx(result, xlsx)
    if as_json:
        echo_json(result)
    elif not xlsx:
        _print_report(result)


@app.command("export")
def export_command(programme: str, xlsx: Annotated[Path, typer.Option("--xlsx", help="The .xlsx file to write.")],
                   year: Annotated[int | None, typer.Option(help="One year only.")] = None,
                   home: HomeOption = None) -> None:
    """The KPI table as Excel (序号 · 工作指标 · target / actual / status per year, and a sheet of definitions)."""
    _write_xlsx(_report(home, programme, year), xlsx)


@app.command("drill")
def drill_command(programme: str, indicator: str, year: Annotated[int, typer.Option(help="The year.")],
                  home: HomeOption = None, as_json: JsonOption = False) -> None:
    """The records behind one figure (deals, payments, pledges …)."""
    from lingxi.kpi.report import drilldown

    result = run_in_transaction(home, lambda s: drilldown(s, SYSTEM, programme, indicator, year))
    if as_json:
        echo_json(result)
        return
    console.print(f"[bold]{result['name_zh']}[/] {year}: {result['computed']} {result['unit']} {result['note']}")
    for record_type, records in result.get("records", {}).items():
        for record in records:
            console.print(f"  {record_type} " + " · ".join(f"{k}={v}" for k, v in record.items() if k != "link"))


@app.command("adjust")
def adjust_command(programme: str, indicator: str, year: Annotated[int, typer.Option()],
                   delta: Annotated[str, typer.Option(help="Added to the computed value, in the indicator's unit.")],
                   reason: Annotated[str, typer.Option(help="Why (required; kept with the author).")],
                   home: HomeOption = None) -> None:
    """Record a manual adjustment beside the computed value (the computed value is never overwritten)."""
    from lingxi.kpi.programmes import add_adjustment

    row = run_in_transaction(home, lambda s: add_adjustment(s, SYSTEM, programme, indicator, year, delta, reason).id)
    console.print(f"adjustment {row} recorded")


@app.command("flag")
def flag_command(patent_id: int, flag: str = "declassified_defence", home: HomeOption = None) -> None:
    """Flag a patent (by internal id), e.g. as a declassified defence patent (解密国防专利)."""
    from lingxi.kpi.programmes import flag_patent

    run_in_transaction(home, lambda s: flag_patent(s, SYSTEM, patent_id, flag).id)
    console.print(f"patent {patent_id} flagged {flag}")
