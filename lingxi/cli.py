"""The `lingxi` command: thin wrappers that parse arguments, call a service and render its answer."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

from lingxi.accounts.cli import app as users_app
from lingxi.cli_options import HomeOption, JsonOption, open_home
from lingxi.parties.cli import app as parties_app
from lingxi.patents.importers import ImportOptions, UnknownFormat
from lingxi.search.cli import index_app, saved_app, search_command
from lingxi.search.hooks import index_updater
from lingxi.tagging.cli import classify_command, tag_app, taxonomy_app
from lingxi.value.cli import app as value_app
from lingxi.enterprises.cli import app as enterprises_app
from lingxi.matching.cli import app as match_app
from lingxi.push.cli import app as push_app
from lingxi.market.cli import app as market_app
from lingxi.finance.cli import app as finance_app
from lingxi.pools.cli import app as pools_app
from lingxi.kpi.cli import app as kpi_app
from lingxi.navigation.cli import app as report_app
from lingxi.talent.cli import app as talent_app
from lingxi.graph.cli import app as graph_app

app = typer.Typer(help="Lingxi 灵犀 — industrial IP operations platform 产业知识产权运营服务平台", no_args_is_help=True)
patents_app = typer.Typer(help="Look at patents in the store.", no_args_is_help=True)
app.add_typer(patents_app, name="patents")
app.add_typer(parties_app, name="parties")
app.add_typer(taxonomy_app, name="taxonomy")
app.add_typer(tag_app, name="tag")
app.command("classify")(classify_command)
app.add_typer(users_app, name="users")
app.add_typer(index_app, name="index")
app.command("search")(search_command)
app.add_typer(saved_app, name="saved-search")
app.add_typer(value_app, name="value")
app.add_typer(enterprises_app, name="enterprises")
app.add_typer(match_app, name="match")
app.add_typer(push_app, name="push")
app.add_typer(market_app, name="market")
app.add_typer(finance_app, name="finance")
app.add_typer(pools_app, name="pools")
app.add_typer(kpi_app, name="kpi")
app.add_typer(report_app, name="report")
app.add_typer(talent_app, name="talent")
app.add_typer(graph_app, name="graph")

console = Console()
err_console = Console(stderr=True)



class RichImportProgress:
    """One progress bar per file, in documents when the importer can count them."""

    def __init__(self, progress: Progress):
        self.progress = progress
        self.task: TaskID | None = None

    def file_started(self, path: Path, format_name: str, total: int | None) -> None:
        self.task = self.progress.add_task(f"{path.name} [dim]({format_name})[/]", total=total)

    def advanced(self, documents: int) -> None:
        if self.task is not None:
            self.progress.advance(self.task, documents)

    def file_finished(self, path: Path) -> None:
        if self.task is not None:
            task = self.progress.tasks[self.task]
            self.progress.update(self.task, total=task.completed)


@app.command("import")
def import_command(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders to import; the format is detected.")],
    home: HomeOption = None,
    format_name: Annotated[str | None, typer.Option("--format", help="Force a format, e.g. spreadsheet.")] = None,
    mapping: Annotated[Path | None, typer.Option(help="Column mapping file (YAML/JSON) for spreadsheets.")] = None,
    encoding: Annotated[str | None, typer.Option(help="Force a text encoding, e.g. gb18030.")] = None,
    batch_size: Annotated[int, typer.Option(help="Records per transaction.")] = 1000,
    with_description: Annotated[
        bool, typer.Option("--with-description", help="Keep full-text descriptions 说明书 (left out by default).")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Import patent files: USPTO XML, USPTO Public Search JSON, Lingxi JSON Lines, Excel/CSV exports."""
    from lingxi.patents.importing import run_import

    settings, db = open_home(home)
    options = ImportOptions(mapping_file=mapping, encoding=encoding, include_description=with_description)
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    try:
        with Progress(*columns, console=err_console, disable=as_json) as progress:
            summary = run_import(
                db, paths, options, format_name=format_name, progress=RichImportProgress(progress),
                batch_size=batch_size, reports_dir=settings.reports_dir, on_finished=index_updater(settings, db),
            )
    except UnknownFormat as error:
        err_console.print(f"[red]{error}[/]")
        raise typer.Exit(2) from None
    if as_json:
        typer.echo(json.dumps(summary.as_dict(), ensure_ascii=False, indent=2))
        return
    table = Table(title=f"Import job {summary.job_id}", show_header=False)
    for label, value in (
        ("new 新增", summary.new),
        ("updated 更新", summary.updated),
        ("unchanged 未变", summary.unchanged),
        ("rejected 拒收", summary.rejected),
        ("time 用时", f"{summary.seconds:.2f} s"),
        ("documents/s 条/秒", f"{summary.documents_per_second:,.0f}"),
    ):
        table.add_row(label, str(value))
    console.print(table)
    if summary.descriptions_left_out:
        console.print(f"Full-text descriptions 说明书 left out: {summary.descriptions_left_out:,} documents had one; "
                      "import again with --with-description to keep them.")
    if summary.rejection_report:
        console.print(f"Rejections, with file, line/document and reason: [bold]{summary.rejection_report}[/]")


@patents_app.command("show")
def patents_show(
    identifier: Annotated[str, typer.Argument(help="Publication or application number (any format), or id.")],
    home: HomeOption = None,
    as_json: JsonOption = False,
) -> None:
    """Show one patent with its parties, classifications, citations (both ways) and legal events."""
    from lingxi.patents.queries import find_patent, patent_detail

    _, db = open_home(home)
    with db.sessions() as session:
        patent = find_patent(session, identifier)
        if patent is None:
            err_console.print(f"[red]No patent found for {identifier!r}.[/]")
            raise typer.Exit(1)
        detail = patent_detail(session, patent.id)
    if as_json:
        typer.echo(json.dumps(detail, ensure_ascii=False, indent=2))
        return
    table = Table(title=detail["title"], show_header=False)
    for name in ("key", "application_number", "application_date", "publication_date", "grant_date", "doc_type",
                 "legal_status", "language"):
        table.add_row(name, str(detail[name] or "—"))
    table.add_row("IPC/CPC", ", ".join(c["code"] for c in detail["classifications"]) or "—")
    for role in ("applicant", "assignee", "inventor"):
        names = [p["name"] for p in detail["parties"] if p["role"] == role]
        if names:
            table.add_row(role, "; ".join(names))
    table.add_row("citations", f"{len(detail['citations'])} backward, {len(detail['cited_by'])} forward")
    table.add_row("abstract", (detail["abstract"] or "—")[:400])
    console.print(table)


@app.command("stats")
def stats_command(home: HomeOption = None, as_json: JsonOption = False) -> None:
    """Counts by document type, country, filing year, language and applicant type."""
    from lingxi.patents.queries import collection_stats

    _, db = open_home(home)
    with db.sessions() as session:
        stats = collection_stats(session)
    if as_json:
        typer.echo(json.dumps(stats, ensure_ascii=False, indent=2))
        return
    console.print(f"patents 专利: {stats['patents']:,}   parties 主体: {stats['parties']:,}")
    for section, counts in stats.items():
        if isinstance(counts, dict):
            table = Table(title=section)
            table.add_column("value")
            table.add_column("patents", justify="right")
            for value, count in counts.items():
                table.add_row(str(value), f"{count:,}")
            console.print(table)


@app.command("demo")
def demo_command(
    home: HomeOption = None,
    size: Annotated[int, typer.Option(help="Number of demo patents.")] = 3000,
    seed: Annotated[int, typer.Option(help="Random seed; the same seed gives the same data.")] = 20261121,
) -> None:
    """Load the fictional demo province (虚构省份演示数据); running it again changes nothing."""
    from lingxi.demo.areas import seed_area_demos
    from lingxi.demo.loader import load_demo
    from lingxi.tagging.jobs import run_tagging

    settings, db = open_home(home)
    with console.status("Generating and importing demo data…"):
        summary = load_demo(db, size=size, seed=seed, reports_dir=settings.reports_dir,
                            on_finished=index_updater(settings, db))
    with console.status("Tagging the demo patents with the shipped taxonomies…"):
        run_tagging(db)  # a few seconds; already tagged patents are skipped
    with console.status("Value scores, enterprise files, demands and subscriptions for the demo…"):
        seed_area_demos(db)
    console.print(
        f"Demo data: {summary.new} new, {summary.updated} updated, {summary.unchanged} unchanged, "
        f"{summary.rejected} rejected in {summary.seconds:.1f} s"
    )


WorkersOption = Annotated[int, typer.Option(help="Worker processes (one per core serves the most requests).")]


@app.command("serve")
def serve_command(
    home: HomeOption = None,
    host: Annotated[str | None, typer.Option(help="Address to listen on.")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on.")] = None,
    workers: WorkersOption = 1,
) -> None:
    """Run the web platform."""
    import os

    import uvicorn

    settings, _ = open_home(home)  # creates and migrates the database once, before any worker starts
    host, port = host or settings.host, port or settings.port
    if workers > 1:
        from lingxi.web.workers import serve_workers

        os.environ["LINGXI_HOME"] = str(settings.home)
        serve_workers("lingxi.web.app:create_app_from_environment", host, port, workers)
        return
    from lingxi.web.app import create_app

    uvicorn.run(create_app(settings), host=host, port=port)


@app.command("up")
def up_command(
    home: HomeOption = None,
    host: Annotated[str | None, typer.Option(help="Address to listen on.")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on.")] = None,
    workers: WorkersOption = 1,
) -> None:
    """Set up the data directory, load the demo data on first start, and run the web platform."""
    from lingxi.demo.areas import seed_area_demos
    from lingxi.demo.loader import demo_loaded, load_demo
    from lingxi.tagging.jobs import run_tagging

    settings, db = open_home(home)
    if not demo_loaded(db):
        with console.status("First start: loading and tagging the demo data set…"):
            load_demo(db, reports_dir=settings.reports_dir, on_finished=index_updater(settings, db))
            run_tagging(db)
            seed_area_demos(db)
    console.print(f"Lingxi is running at http://{host or settings.host}:{port or settings.port}  (data: {settings.home})")
    serve_command(home=settings.home, host=host, port=port, workers=workers)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
