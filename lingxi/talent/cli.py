"""`lingxi talent …`: build the talent–patent database and read it (the command line acts as the system operator)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from lingxi.accounts.principal import SYSTEM
from lingxi.cli_options import HomeOption, JsonOption, echo_json, fail, open_home, run_in_transaction
from lingxi.errors import LingxiError

app = typer.Typer(help="§10 talent–patent database: inventor disambiguation, talent lists and profiles (人才专利库)",
                  no_args_is_help=True)
console = Console()


@app.command("build")
def build_command(home: HomeOption = None, as_json: JsonOption = False) -> None:
    """Disambiguate every inventor mention into talents (a full rebuild; talent ids change)."""
    from lingxi.talent.build import build_talents

    db = open_home(home)[1]
    try:
        with console.status("Disambiguating inventors…", spinner="dots") if not as_json else _nothing():
            result = build_talents(db, SYSTEM)
    except LingxiError as error:
        fail(error.message)
    finally:
        db.dispose()
    if as_json:
        echo_json(result)
        return
    console.print(f"{result['mentions']} inventor mentions · {result['names']} names → [bold]{result['talents']}[/] "
                  f"talents ({result['names_split'] or 0} names split into several people); "
                  f"load {result['load_seconds']} s, cluster {result['cluster_seconds']} s, "
                  f"write {result['write_seconds']} s")


class _nothing:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


@app.command("list")
def list_command(home: HomeOption = None, as_json: JsonOption = False,
                 chain: Annotated[str | None, typer.Option(help="chain taxonomy, optionally :node (chain_ev:battery)")] = None,
                 order: Annotated[str, typer.Option(help="output (most patents) or value (portfolio value)")] = "output",
                 name: Annotated[str | None, typer.Option(help="part of the name")] = None,
                 province: Annotated[str | None, typer.Option()] = None,
                 page: int = 1, page_size: Annotated[int, typer.Option("--page-size")] = 20) -> None:
    """High-output / high-value talents, overall or per chain (人才引进)."""
    from lingxi.talent.queries import list_talents

    result = run_in_transaction(home, lambda s: list_talents(s, SYSTEM, chain=chain, order=order, name=name,
                                                             province=province, page=page, page_size=page_size))
    if as_json:
        echo_json(result)
        return
    table = Table("id", "name", "affiliation", "patents", "in chain" if chain else "years", "value (mean)", "grades",
                  "fields", title=f"talents 人才 ({result['total']}){' · ' + chain if chain else ''} · by {order}")
    for t in result["items"]:
        table.add_row(str(t["id"]), t["name"], t["affiliation"] or "", str(t["patents"]),
                      str(t.get("chain_patents")) if chain else f"{t['first_year'] or ''}–{t['last_year'] or ''}",
                      "" if t["value_score"] is None else f"{t['value_score']:.1f}",
                      " ".join(f"{g}{n}" for g, n in t["grades"].items()), ", ".join(t["fields"]))
    console.print(table)


@app.command("show")
def show_command(talent_id: int, home: HomeOption = None, as_json: JsonOption = False) -> None:
    """One talent: patents, affiliations by year, fields, value, collaborators."""
    from lingxi.talent.queries import talent_profile

    p = run_in_transaction(home, lambda s: talent_profile(s, SYSTEM, talent_id))
    if as_json:
        echo_json(p)
        return
    console.print(f"[bold]{p['name']}[/] · {p['affiliation'] or ''} · {p['patent_count']} patents "
                  f"{p['first_year'] or ''}–{p['last_year'] or ''} · value {p['value_score'] or '–'}")
    console.print("fields: " + ", ".join(f"{f['code']} ({f['patents']})" for f in p["fields"]))
    for a in p["affiliations"]:
        console.print(f"  {a['year']}: " + "; ".join(f"{o['name']} ({o['patents']})" for o in a["organisations"]))
    table = Table("number", "year", "title", "grade", title="patents 专利")
    for patent in p["patents"]:
        table.add_row(patent["number"] or "", str(patent["year"] or ""), patent["title"][:60], patent["grade"] or "")
    console.print(table)
    if p["collaborators"]:
        console.print("collaborators: " + ", ".join(f"{c['name']} ({c['shared_patents']})" for c in p["collaborators"]))
