"""`lingxi match …`: thin wrappers over lingxi.matching.

    lingxi match demand --text "想找低温下也能充电的锂电池技术" --top 10 --holder-type university --json
    lingxi match demand --id 12
    lingxi match demand --batch demands.jsonl --top 10 --json     # one JSON result per input line, in order
    lingxi match licensees 345 --json
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.table import Table

from lingxi.cli_options import HomeOption, JsonOption, fail, open_home

app = typer.Typer(help="§5 supply–demand matching and licensee discovery (供需匹配)", no_args_is_help=True)
console = Console()
err_console = Console(stderr=True)


@app.command("demand")
def demand(
    text: Annotated[Optional[str], typer.Option("--text", help="An ad-hoc demand text (nothing is stored).")] = None,
    demand_id: Annotated[Optional[int], typer.Option("--id", help="A stored demand's id.")] = None,
    batch: Annotated[Optional[Path], typer.Option("--batch", help="JSON Lines file, one object with a `text` "
                                                  "field per line (an `id` field is echoed back).")] = None,
    top: Annotated[int, typer.Option("--top", min=1, max=200, help="How many patents.")] = 10,
    holder_type: Annotated[Optional[list[str]], typer.Option(
        "--holder-type", help="Only patents held by this type (university, institute, soe, enterprise …); repeat.")
    ] = None,
    region: Annotated[Optional[str], typer.Option("--region", help="Only holders in this province or city.")] = None,
    home: HomeOption = None,
    as_json: JsonOption = False,
) -> None:
    """Rank patents for a demand: --text, --id or --batch (exactly one)."""
    from lingxi.accounts.principal import SYSTEM
    from lingxi.errors import LingxiError
    from lingxi.matching.engine import MatchEngine
    from lingxi.matching.service import match_demand, match_text

    if sum(value is not None for value in (text, demand_id, batch)) != 1:
        fail("give exactly one of --text, --id, --batch")
    settings, db = open_home(home)
    engine = MatchEngine(settings, db)  # indexes and the model load once, for every line of a batch
    if batch is not None:
        _batch(engine, db, batch, top, holder_type, region, as_json)
        return
    try:
        with db.sessions() as session:
            if text is not None:
                result = match_text(engine, session, SYSTEM, text, top, holder_type, region)
            else:
                result = match_demand(engine, session, SYSTEM, demand_id, top, holder_type, region)
    except LingxiError as error:
        fail(error.message)
    if as_json:
        typer.echo(json.dumps(result.as_dict(), ensure_ascii=False))
        return
    _print(result)


def _batch(engine, db, path: Path, top: int, holder_type, region, as_json: bool) -> None:
    """Every line answered in input order; a bad line gets an error object in its place (nothing is skipped)."""
    from lingxi.accounts.principal import SYSTEM
    from lingxi.errors import LingxiError
    from lingxi.matching.service import match_text

    if not path.is_file():
        fail(f"no such file: {path}")
    failures = 0
    with path.open(encoding="utf-8-sig") as handle, db.sessions() as session:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            item = None
            try:
                item = json.loads(line)
                if not isinstance(item, dict) or not isinstance(item.get("text"), str) or not item["text"].strip():
                    raise ValueError("the line needs a non-empty `text` string")
                result = match_text(engine, session, SYSTEM, item["text"], top, holder_type, region)
                answer = {"line": number, "id": item.get("id"), **result.as_dict()}
            except (ValueError, LingxiError) as error:
                failures += 1
                answer = {"line": number, "id": item.get("id") if isinstance(item, dict) else None,
                          "error": getattr(error, "message", str(error))}
            if as_json:
                typer.echo(json.dumps(answer, ensure_ascii=False))
            elif "error" in answer:
                err_console.print(f"[red]line {number}: {answer['error']}[/]")
            else:
                console.print(f"[bold]line {number}[/] {answer['query'][:60]}")
                for match in answer["matches"]:
                    console.print(f"  {match['rank']:>3}. {match['score']:.3f} "
                                  f"{match['publication_number'] or match['external_id'] or match['key']} "
                                  f"{match['title']}")
    if failures:
        err_console.print(f"[yellow]{failures} line(s) could not be matched (see their error objects)[/]")


def _print(result) -> None:
    table = Table("#", "score", "patent", "title", "holders", "why")
    for match in result.matches:
        table.add_row(str(match.rank), f"{match.score:.3f}",
                      match.publication_number or match.external_id or match.key, match.title,
                      ", ".join(h["name"] for h in match.holders[:2]), match.explanation.get("why", {}).get("zh", ""))
    console.print(table)
    for note in result.notes:
        console.print(f"[yellow]{note}[/]")
    console.print(f"{result.candidates} candidates, {result.took_ms} ms")


@app.command("licensees")
def licensees(
    patent: Annotated[str, typer.Argument(help="Patent: internal id, publication number, key or external id.")],
    top: Annotated[int, typer.Option("--top", min=1, max=100)] = 10,
    home: HomeOption = None,
    as_json: JsonOption = False,
) -> None:
    """Rank the enterprises that could license and implement a patent (识别潜在许可实施对象)."""
    from lingxi.accounts.principal import SYSTEM
    from lingxi.errors import LingxiError
    from lingxi.matching.engine import MatchEngine
    from lingxi.matching.service import licensees as find

    settings, db = open_home(home)
    engine = MatchEngine(settings, db)
    try:
        with db.sessions() as session:
            patent_id = _patent_id(session, patent)
            answer = find(engine, session, SYSTEM, patent_id, top)
    except LingxiError as error:
        fail(error.message)
    if as_json:
        typer.echo(json.dumps(answer, ensure_ascii=False))
        return
    console.print(f"[bold]{answer['patent']['title']}[/]")
    table = Table("#", "score", "enterprise", "region", "why")
    for item in answer["licensees"]:
        table.add_row(str(item["rank"]), f"{item['score']:.3f}", item["name"], item["province"] or "",
                      item["explanation"]["why"]["zh"])
    console.print(table)


def _patent_id(session, value: str) -> int:
    """An internal id, or whatever `lingxi patents show` accepts (publication number, key, external id)."""
    from sqlalchemy import or_, select

    from lingxi.db.models import Patent
    from lingxi.errors import NotFound
    from lingxi.patents.queries import find_patent

    if value.isdigit() and session.get(Patent, int(value)) is not None:
        return int(value)
    found = session.scalar(select(Patent.id).where(or_(Patent.key == value, Patent.external_id == value)))
    if found is None:
        patent = find_patent(session, value)  # publication / application number in any common format
        found = patent.id if patent is not None else None
    if found is None:
        raise NotFound(f"no patent {value!r}")
    return int(found)
