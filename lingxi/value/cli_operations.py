"""`lingxi value catalogue | sleeping | high-value | valuate | set-parameter`: thin wrappers over lingxi.value.

Registered on the `lingxi value` Typer app by lingxi.value.cli (`register(app)`), beside the scoring commands.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.table import Table

from lingxi.accounts.principal import SYSTEM
from lingxi.cli_options import HomeOption, JsonOption, echo_json, fail, open_home
from lingxi.errors import LingxiError

console = Console()
err_console = Console(stderr=True)


def catalogue_command(
    home: HomeOption = None,
    holder: Annotated[Optional[str], typer.Option(help="Holder name (or part of it).")] = None,
    chain: Annotated[Optional[str], typer.Option(help="Industry chain TAXONOMY or TAXONOMY:NODE.")] = None,
    region: Annotated[Optional[str], typer.Option(help="Province, or PROVINCE/CITY.")] = None,
    scenario: Annotated[str, typer.Option(help="Value scenario whose grades are used.")] = "licensing",
    xlsx: Annotated[Optional[Path], typer.Option("--xlsx", help="Write the Excel catalogue here.")] = None,
    as_json: JsonOption = False,
) -> None:
    """Operable-patent graded catalogue (可运营专利分级目录): grade counts, Excel with one sheet per grade."""
    from lingxi.value.catalogue import build_catalogue
    from lingxi.value.catalogue_excel import write_catalogue

    _, db = open_home(home)
    with db.sessions() as session:
        try:
            built = build_catalogue(session, SYSTEM, holder=holder, chain=chain, region=region, scenario=scenario)
        except LingxiError as error:
            fail(error.message)
    if xlsx is not None:
        write_catalogue(built, xlsx)
    if as_json:
        echo_json({**built, "xlsx": str(xlsx) if xlsx else None})
        return
    table = Table("grade 等级", "patents 件数")
    for grade, count in built["counts"].items():
        table.add_row(grade, str(count))
    console.print(table)
    if xlsx is not None:
        console.print(f"Excel catalogue written to {xlsx} ({built['total']} patents)")


def sleeping_command(
    home: HomeOption = None,
    years: Annotated[Optional[int], typer.Option(help="N: no transfer/licence/pledge for N years.")] = None,
    holder: Annotated[Optional[str], typer.Option(help="Holder name (or part of it).")] = None,
    limit: Annotated[int, typer.Option(help="Rows to show (JSON: page size).")] = 200,
    as_json: JsonOption = False,
) -> None:
    """Sleeping patents (沉睡专利) of universities, institutes and SOEs with a recommended conversion mode."""
    from lingxi.value.sleeping import sleeping_report

    _, db = open_home(home)
    with db.sessions() as session:
        try:
            report = sleeping_report(session, SYSTEM, years=years, holder=holder, page_size=min(limit, 200))
        except LingxiError as error:
            fail(error.message)
    if as_json:
        echo_json(report)
        return
    table = Table("number", "holder 权利人", "grade", "node 节点", "mode 推荐方式", "reason 理由")
    for item in report["items"]:
        table.add_row(item["number"], item["holder"], item["grade"] or "—", item["node_name_zh"] or "—",
                      item["mode_zh"], item["reason_zh"])
    console.print(table)
    console.print(f"{report['total']} sleeping patents (N = {report['years']} years); "
                  f"inventory {report['process']['inventory']}")


def high_value_command(home: HomeOption = None, as_json: JsonOption = False) -> None:
    """High-value invention patents (高价值发明专利): counts per criterion and region (per 10,000 people)."""
    from lingxi.value.high_value import high_value_report

    _, db = open_home(home)
    with db.sessions() as session:
        report = high_value_report(session, SYSTEM, page_size=200)
    if as_json:
        echo_json(report)
        return
    console.print(f"valid invention patents {report['valid_inventions']}, high-value {report['high_value']}")
    table = Table("province", "city", "valid", "high-value", "per 10k")
    for row in report["by_region"]:
        table.add_row(row["province"] or "—", row["city"] or "—", str(row["valid_inventions"]),
                      str(row["high_value"]), "—" if row["per_10k"] is None else f"{row['per_10k']:.2f}")
    console.print(table)


def valuate_command(
    patent: Annotated[str, typer.Argument(help="Patent: id, publication or application number.")],
    home: HomeOption = None,
    set_: Annotated[Optional[list[str]],
                    typer.Option("--set", help="Override NAME=VALUE or NAME=LOW,MID,HIGH.")] = None,
    as_json: JsonOption = False,
) -> None:
    """Monetary valuation (GB/T 42748): income, cost and market approaches as ranges with assumptions."""
    from lingxi.patents.queries import find_patent
    from lingxi.value.valuation import valuate

    overrides = {}
    for item in set_ or []:
        name, _, value = item.partition("=")
        parts = [p for p in value.split(",") if p.strip()]
        try:
            numbers = [float(p) for p in parts]
        except ValueError:
            fail(f"--set {item}: VALUE must be a number or three numbers LOW,MID,HIGH")
        overrides[name.strip()] = numbers[0] if len(numbers) == 1 else numbers
    _, db = open_home(home)
    with db.sessions() as session:
        found = find_patent(session, patent)
        if found is None:
            fail(f"patent {patent!r} not found", code=1)
        try:
            result = valuate(session, SYSTEM, found.id, overrides)
        except LingxiError as error:
            fail(error.message)
    if as_json:
        echo_json(result)
        return
    table = Table("approach 方法", "low", "mid", "high", "note")
    for name, approach in result["approaches"].items():
        if approach["available"]:
            table.add_row(name, f"{approach['low']:,.0f}", f"{approach['mid']:,.0f}", f"{approach['high']:,.0f}", "")
        else:
            table.add_row(name, "—", "—", "—", approach["note"])
    console.print(f"{result['number']} {result['title']}")
    console.print(table)
    for assumption in result["assumptions"]:
        console.print(f"  {assumption['name']}: {assumption['value']} ({assumption['source']})")


def set_parameter_command(
    key: Annotated[str, typer.Argument(help="Parameter key (see `lingxi value parameters`).")],
    value: Annotated[str, typer.Argument(help="JSON value, e.g. 5000000 or [0.01,0.02,0.04].")],
    home: HomeOption = None,
) -> None:
    """Set a value-operations parameter (e.g. pledge_threshold_yuan, sleeping_years)."""
    from lingxi.value.parameters import set_parameter

    try:
        parsed = json.loads(value)
    except json.JSONDecodeError:
        parsed = value
    _, db = open_home(home)
    with db.sessions() as session:
        try:
            saved = set_parameter(session, SYSTEM, key, parsed)
        except LingxiError as error:
            fail(error.message)
        session.commit()
    console.print(f"{saved['key']} = {saved['value']}")


def parameters_command(home: HomeOption = None, as_json: JsonOption = False) -> None:
    """List value-operations parameters, their values and defaults ([U] = not confirmed by an official text)."""
    from lingxi.value.parameters import list_parameters

    _, db = open_home(home)
    with db.sessions() as session:
        rows = list_parameters(session, SYSTEM)
    if as_json:
        echo_json(rows)
        return
    table = Table("key", "value", "default", "meaning")
    for row in rows:
        table.add_row(row["key"], json.dumps(row["value"]), json.dumps(row["default"]),
                      row["label_zh"] + (" [U]" if row["uncertain"] else ""))
    console.print(table)


def register(app: typer.Typer) -> None:
    app.command("catalogue")(catalogue_command)
    app.command("sleeping")(sleeping_command)
    app.command("high-value")(high_value_command)
    app.command("valuate")(valuate_command)
    app.command("parameters")(parameters_command)
    app.command("set-parameter")(set_parameter_command)
