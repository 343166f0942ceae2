"""`lingxi search QUERY` and `lingxi index rebuild|check`: parse arguments, call SearchService, render."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from rich.table import Table

from lingxi.cli_options import HomeOption

index_app = typer.Typer(help="Search indexes: rebuild from the store, embed for semantic search, check they match it.", no_args_is_help=True)
console = Console()
err_console = Console(stderr=True)



def _service(home: Path | None):
    from lingxi.db import open_database
    from lingxi.search.service import SearchService
    from lingxi.settings import load_settings

    settings = load_settings(home)
    settings.ensure_home()
    return SearchService(settings, open_database(settings.resolved_database_url))


def search_command(
    query: Annotated[str, typer.Argument(help="Field query, e.g. 'TI=(锂电池 AND 隔膜) AND AD>=2018', or a sentence.")],
    home: HomeOption = None,
    mode: Annotated[str, typer.Option(help="keyword | semantic | hybrid")] = "keyword",
    limit: Annotated[int, typer.Option(help="Number of hits to show.")] = 20,
    page: Annotated[int, typer.Option(help="Page of results (1 = first).")] = 1,
    sort: Annotated[str, typer.Option(help="relevance | date (newest first) | date_asc")] = "relevance",
    filters: Annotated[str | None, typer.Option("--filter", help="Field query restricting any mode.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """Search patents with the field query language (docs/search-query-language.md) or a plain sentence."""
    from lingxi.search.query import QuerySyntaxError
    from lingxi.search.service import SearchError, SearchRequest

    service = _service(home)
    request = SearchRequest(query, mode=mode, filters=filters, sort=sort, page=page, page_size=limit)
    try:
        with err_console.status("Searching (the index is built first if it is missing)…"):
            response = service.search(request)
    except QuerySyntaxError as error:
        if as_json:
            typer.echo(json.dumps(error.as_dict(), ensure_ascii=False, indent=2))
        else:
            err_console.print(f"[red]Query syntax error:[/] {escape(str(error))}")
            err_console.print(escape(error.pointer()), highlight=False)
        raise typer.Exit(2) from None
    except SearchError as error:
        err_console.print(f"[red]{escape(str(error))}[/]")
        raise typer.Exit(2) from None
    if as_json:
        typer.echo(json.dumps(response.as_dict(), ensure_ascii=False, indent=2))
        return
    for note in response.notes:
        err_console.print(f"[yellow]{escape(note)}[/]")
    table = Table(title=f"{response.total:,} patents · {response.took_ms:.0f} ms")
    for column in ("#", "number", "title", "applicant", "date", "score"):
        table.add_column(column, no_wrap=column in ("number", "date"), ratio=3 if column == "title" else None)
    first = (response.page - 1) * response.page_size
    for position, hit in enumerate(response.hits, start=first + 1):
        title = _marked(hit.highlights.get("title")) or escape(hit.title)
        table.add_row(str(position), hit.publication_number, title, escape("; ".join(hit.applicants[:2])),
                      hit.publication_date or hit.application_date or "", f"{hit.score:.3f}")
    console.print(table)


def _marked(html_snippet: str | None) -> str | None:
    """<mark> → Rich bold yellow, for the terminal."""
    if not html_snippet:
        return None
    import html

    text = escape(html.unescape(html_snippet.replace("<mark>", "\x00").replace("</mark>", "\x01")))
    return text.replace("\x00", "[bold yellow]").replace("\x01", "[/]")


PROGRESS_COLUMNS = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    TimeRemainingColumn())


def _embed(service, limit: int | None = None, rebuild: bool = False) -> int:
    from lingxi.search.vector_jobs import EmbeddingBusy

    try:
        with Progress(*PROGRESS_COLUMNS, console=err_console) as progress:
            task = progress.add_task("semantic vectors (e5, ~35 patents/s)", total=None)
            return service.embed(limit=limit, rebuild=rebuild,
                                 progress=lambda done, total: progress.update(task, completed=done, total=total))
    except EmbeddingBusy as error:
        err_console.print(f"[yellow]{escape(str(error))}[/] — try again when it has finished")
        raise typer.Exit(1) from None


@index_app.command("rebuild")
def rebuild_command(
    home: HomeOption = None,
    keyword_only: Annotated[bool, typer.Option("--keyword-only", help="Rebuild the keyword index only.")] = False,
) -> None:
    """Rebuild the keyword index and re-embed every patent for semantic search (the old keyword index answers
    searches until the new one is ready)."""
    service = _service(home)
    with Progress(*PROGRESS_COLUMNS, console=err_console) as progress:
        task = progress.add_task("keyword index", total=None)
        count = service.rebuild(lambda done, total: progress.update(task, completed=done, total=total))
    console.print(f"Keyword index rebuilt: {count:,} patents → {service.keyword.folder}")
    if not keyword_only:
        embedded = _embed(service, rebuild=True)
        console.print(f"Vector index rebuilt: {embedded:,} patents embedded → {service.vectors.folder}")


@index_app.command("embed")
def embed_command(
    home: HomeOption = None,
    limit: Annotated[int | None, typer.Option(help="Embed at most this many patents (run again to go on).")] = None,
) -> None:
    """Embed the patents that have no vector for the current model yet (and those imports changed); resumable."""
    service = _service(home)
    service.keyword.ensure()  # the store fingerprint the vectors are tied to needs the store to be readable
    embedded = _embed(service, limit=limit)
    status = service.check_vectors(verify=False)
    console.print(f"Embedded {embedded:,} patents; vector index {status.percent} % built "
                  f"({status.vectors:,} of {status.store_documents:,}) → {service.vectors.folder}")


@index_app.command("check")
def check_command(
    home: HomeOption = None,
    fix: Annotated[bool, typer.Option(help="Rebuild or catch up when the index does not match the store.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Compare the keyword and vector indexes with the store: missing, corrupt, from another store or model, behind
    (vector coverage in %), or ok. Exit 1 unless both are ok."""
    service = _service(home)
    status = service.check()
    if fix and not status.ok:
        service.catch_up()
        status = service.check()
    vectors = service.check_vectors()
    if fix and not vectors.ok:
        _embed(service)
        vectors = service.check_vectors()
    if as_json:
        typer.echo(json.dumps({**status.as_dict(), "vectors": vectors.as_dict()}, ensure_ascii=False, indent=2))
    else:
        colour = "green" if status.ok else "red"
        console.print(f"keyword index: [{colour}]{status.state}[/] — {status.index_documents} documents, "
                      f"store {status.store_documents} patents ({status.path})")
        for problem in status.problems:
            console.print(f"  • {escape(problem)}")
        colour = "green" if vectors.ok else "red"
        console.print(f"vector index: [{colour}]{vectors.state}[/] — {vectors.percent} % of the store embedded "
                      f"({vectors.vectors} of {vectors.store_documents} patents, {escape(vectors.model)}; "
                      f"{vectors.path})")
        for problem in vectors.problems:
            console.print(f"  • {escape(problem)}")
        if not vectors.ok:
            console.print("  `lingxi index check --fix` or `lingxi index embed` embeds what is missing")
    if not (status.ok and vectors.ok):
        raise typer.Exit(1)
