"""``lingxi parties`` — cluster applicant / owner name lists and inspect how a name is read."""

from __future__ import annotations

import time
from dataclasses import asdict
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from lingxi.cli_options import HomeOption, JsonOption, echo_json, fail, open_home
from lingxi.parties.cluster import PartyClusterError, cluster_names, read_names_csv, write_clusters_csv
from lingxi.parties.identity import describe_party
from lingxi.parties.register import read_register_file, register_organisations
from lingxi.parties.stored import find_stored_parties, with_stored_parties
from lingxi.parties.types import explain_party_type

app = typer.Typer(
    help="Party names (申请人/权利人/发明人): normalise, classify, locate and cluster spelling variants.",
    no_args_is_help=True,
    add_completion=False,
)


@app.callback()
def _main() -> None:
    """Party names (申请人/权利人/发明人): normalise, classify, locate and cluster spelling variants."""


@app.command("cluster")
def cluster_command(
    input: Path = typer.Argument(..., help="CSV with columns id,name (UTF-8, UTF-8 with BOM, or GBK)."),
    output: Path = typer.Option(..., "--output", "-o", help="Where to write id,name,cluster_id,normalised_name,type."),
    bom: bool = typer.Option(True, "--bom/--no-bom", help="Write a UTF-8 BOM so Excel shows Chinese correctly."),
    home: HomeOption = None,
) -> None:
    """Group the spelling variants of each organisation / person in a name list.

    With a data directory (--home or LINGXI_HOME) the names are also looked up among its parties: the output gains
    a party_id column, and a cluster the store knows takes the stored party's type.
    """
    console = Console()
    err = Console(stderr=True)
    started = time.perf_counter()
    try:
        rows, encoding = read_names_csv(input)
        with Progress(
            TextColumn("[progress.description]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        ) as progress:
            task = progress.add_task("Normalising names", total=None)

            def on_progress(done: int, total: int) -> None:
                progress.update(task, completed=done, total=total)
                if done == total:
                    progress.update(task, description="Merging variants")

            clustered = cluster_names(rows, on_progress=on_progress)
            if home is not None:
                progress.update(task, description="Looking names up in the store")
                with open_home(home)[1].sessions() as session:
                    clustered = with_stored_parties(session, clustered)
            progress.update(task, description="Writing output")
            write_clusters_csv(output, clustered, bom=bom, party_ids=home is not None)
    except PartyClusterError as exc:
        err.print(f"[bold red]Error:[/] {exc}")
        raise typer.Exit(code=2) from None
    seconds = time.perf_counter() - started
    clusters = {c.cluster_id for c in clustered if c.cluster_id}
    distinct = {name for _, name in rows}
    summary = Table(title="Party clustering", show_header=False)
    summary.add_row("input", f"{input} ({encoding})")
    summary.add_row("names (rows)", f"{len(rows):,}")
    summary.add_row("distinct names", f"{len(distinct):,}")
    summary.add_row("clusters", f"{len(clusters):,}")
    if home is not None:
        known = sum(1 for c in clustered if c.party_id)
        summary.add_row("names of stored parties", f"{known:,} (data directory {home})")
    summary.add_row("time", f"{seconds:.2f} s")
    summary.add_row("output", str(output))
    console.print(summary)


@app.command("describe")
def describe_command(
    names: list[str] = typer.Argument(..., help="One or more names to read."),
    role: str = typer.Option("applicant", help="applicant, assignee, inventor or agent."),
    home: HomeOption = None,
    as_json: JsonOption = False,
) -> None:
    """Show how names are read: kind, key, display form, type (with the rule) and region.

    With a data directory (--home or LINGXI_HOME) it also shows the stored party each name reads to.
    """
    identities = [describe_party(name, role) for name in names]
    stored = {}
    if home is not None:
        with open_home(home)[1].sessions() as session:
            stored = find_stored_parties(session, ((i.kind, i.key) for i in identities))
    readings = []
    for ident in identities:
        reading = {
            "name": ident.display_name,
            "kind": ident.kind,
            "key": ident.key,
            "type": ident.type.value,
            "rule": explain_party_type(ident.display_name)[1] if ident.kind == "organisation" else "person",
            "province": ident.province,
            "city": ident.city,
        }
        if home is not None:
            party = stored.get((ident.kind, ident.key))
            reading["stored_party"] = asdict(party) if party else None
        readings.append(reading)
    if as_json:
        echo_json(readings)
        return
    table = Table("name", "kind", "key", "type", "rule", "province", "city")
    if home is not None:
        table.add_column("stored party")
    for ident, reading in zip(identities, readings, strict=True):
        row = [reading["name"], reading["kind"], reading["key"], f"{ident.type.value} {ident.type.label_zh}",
               reading["rule"], reading["province"] or "", reading["city"] or ""]
        if home is not None:
            party = reading["stored_party"]
            row.append(f"#{party['id']} {party['name']} ({party['party_type']}, {party['patents']} patents)"
                       if party else "—")
        table.add_row(*row)
    Console().print(table)


@app.command("register")
def register_command(
    file: Path = typer.Argument(..., help="CSV (UTF-8 or GBK) or .xlsx: name and type, province and/or city."),
    home: HomeOption = None,
    as_json: JsonOption = False,
) -> None:
    """Register what names alone cannot tell (权利人名录): a province's SOE list, where a centre is.

    Columns name/名称 and any of type/类型 (university 高校, institute 科研院所, soe 国有企业, enterprise 企业,
    hospital 医院, government 政府, other 其他), province/省份, city/城市. Every spelling of a registered organisation
    is covered; stored parties take the entries at once (and the search index is updated), later imports after each
    job. Bad rows are rejected with their line and reason; the others are registered.
    """
    try:
        read = read_register_file(file)
    except PartyClusterError as exc:
        fail(f"Error: {exc}")
    settings, db = open_home(home)
    with db.sessions() as session, session.begin():
        result = register_organisations(session, read.entries, source=file.name)
    indexed = _index_again(settings, db, result.patents)
    answer = {"registered": len(read.entries), "new": result.new, "changed": result.changed,
              "unchanged": result.unchanged, "parties_updated": len(result.parties_updated),
              "patents_reindexed": indexed, "rejected": [{"line": line, "reason": r} for line, r in read.rejected],
              "notes": [{"line": line, "note": note} for line, note in read.notes]}
    if as_json:
        echo_json(answer)
        return
    table = Table(title=f"Organisation register · {file.name}", show_header=False)
    for key in ("registered", "new", "changed", "unchanged", "parties_updated", "patents_reindexed"):
        table.add_row(key.replace("_", " "), f"{answer[key]:,}" if answer[key] is not None else "—")
    table.add_row("rejected", f"{len(read.rejected):,}")
    Console().print(table)
    for line, reason in read.rejected:
        Console(stderr=True).print(f"[red]line {line}: {reason}[/]")
    for line, note in read.notes:
        Console(stderr=True).print(f"[yellow]line {line}: {note}[/]")


def _index_again(settings, db, patent_ids: list[int]) -> int | None:
    """Index the patents whose holders changed (their holder-type and region facets); None when it could not."""
    if not patent_ids:
        return 0
    from lingxi.search.service import SearchService

    try:
        return SearchService(settings, db).index_patents(patent_ids)
    except Exception as error:  # noqa: BLE001 - e.g. the web server holds the index writer: stored data is right
        Console(stderr=True).print(f"[yellow]search index not updated ({error}); `lingxi index rebuild` does it[/]")
        return None
