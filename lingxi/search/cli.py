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
    _print_hits(response)


def _print_hits(response, title_prefix: str = "") -> None:
    for note in response.notes:
        err_console.print(f"[yellow]{escape(note)}[/]")
    table = Table(title=f"{title_prefix}{response.total:,} patents · {response.took_ms:.0f} ms")
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


# --- saved searches (已保存检索) ------------------------------------------------------------------------------------

saved_app = typer.Typer(help="Saved searches (已保存检索): list, add, run, rename, delete; each is the navigation "
                             "scope saved:ID.", no_args_is_help=True)
UserOption = Annotated[str | None, typer.Option("--user", help="Act as this user (username); the owner of what "
                                                                "is added. Without it: the system (sees every user's).")]


def _acting(session, username: str | None):
    from sqlalchemy import select

    from lingxi.accounts.principal import SYSTEM
    from lingxi.accounts.users import principal_for
    from lingxi.db.audit import acting_as
    from lingxi.db.models import User
    from lingxi.errors import NotFound

    if username is None:
        acting_as(session, SYSTEM)
        return SYSTEM
    user = session.scalar(select(User).where(User.username == username.strip()))
    if user is None:
        raise NotFound(f"--user: no user {username!r}", field="user")
    actor = principal_for(user)
    acting_as(session, actor)
    return actor


def _saved_work(home: Path | None, work):
    from lingxi.cli_options import run_in_transaction

    return run_in_transaction(home, work)


@saved_app.command("list")
def saved_list_command(home: HomeOption = None, user: UserOption = None,
                       page: Annotated[int, typer.Option(help="Page (50 a page).")] = 1,
                       as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """The user's saved searches (without --user: every user's)."""
    from lingxi.search import saved

    def work(session):
        actor = _acting(session, user)
        found = saved.list_saved_searches(session, actor, page, 50, everyone=user is None)
        return saved.page_as_dicts(session, found)

    found = _saved_work(home, work)
    if as_json:
        typer.echo(json.dumps({"items": found.items, "total": found.total, "page": found.page,
                               "pages": found.pages}, ensure_ascii=False, indent=2))
        return
    table = Table(title=f"{found.total} saved searches")
    for column in ("id", "name", "owner", "mode", "query", "filters", "updated"):
        table.add_column(column, ratio=3 if column == "query" else None)
    for row in found.items:
        table.add_row(str(row["id"]), escape(row["name"]), escape(row["owner"] or ""), row["mode"],
                      escape(row["query"]), escape(row["filters"] or ""), (row["updated_at"] or "")[:16])
    console.print(table)


@saved_app.command("add")
def saved_add_command(
    name: Annotated[str, typer.Argument(help="A name unique among the user's saved searches.")],
    query: Annotated[str, typer.Argument(help="Field query (keyword mode) or a sentence (semantic / hybrid).")],
    user: Annotated[str, typer.Option("--user", help="The owner (username).")],
    home: HomeOption = None,
    mode: Annotated[str, typer.Option(help="keyword | semantic | hybrid")] = "keyword",
    filters: Annotated[str | None, typer.Option("--filter", help="Field query restricting any mode.")] = None,
    sort: Annotated[str, typer.Option(help="relevance | date | date_asc")] = "relevance",
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Save a search for a user; prints its id (the navigation scope saved:ID)."""
    from lingxi.search import saved

    def work(session):
        actor = _acting(session, user)
        row = saved.create_saved_search(session, actor, saved.SavedSearchInput(name, query, mode, filters, sort))
        return saved.one_as_dict(session, row)

    row = _saved_work(home, work)
    if as_json:
        typer.echo(json.dumps(row, ensure_ascii=False, indent=2))
    else:
        console.print(f"Saved search {row['id']} {escape(row['name'])!r} for {row['owner']} "
                      f"(navigation scope {row['scope']})")


@saved_app.command("rename")
def saved_rename_command(saved_id: Annotated[int, typer.Argument(help="Saved search id.")],
                         name: Annotated[str, typer.Argument(help="The new name.")],
                         user: Annotated[str, typer.Option("--user", help="The owner (username).")],
                         home: HomeOption = None) -> None:
    """Rename a saved search (its owner only)."""
    from lingxi.search import saved

    _saved_work(home, lambda session: saved.rename_saved_search(session, _acting(session, user), saved_id, name))
    console.print(f"Saved search {saved_id} renamed to {escape(name)!r}")


@saved_app.command("delete")
def saved_delete_command(saved_id: Annotated[int, typer.Argument(help="Saved search id.")],
                         user: Annotated[str, typer.Option("--user", help="The owner (username).")],
                         home: HomeOption = None) -> None:
    """Delete a saved search (its owner only)."""
    from lingxi.search import saved

    gone = _saved_work(home, lambda session: saved.delete_saved_search(session, _acting(session, user), saved_id))
    console.print(f"Deleted saved search {saved_id} {escape(gone['name'])!r}")


@saved_app.command("run")
def saved_run_command(saved_id: Annotated[int, typer.Argument(help="Saved search id.")],
                      home: HomeOption = None, user: UserOption = None,
                      limit: Annotated[int, typer.Option(help="Number of hits to show.")] = 20,
                      page: Annotated[int, typer.Option(help="Page of results (1 = first).")] = 1,
                      as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """Run a saved search and show its hits, as `lingxi search` would."""
    from lingxi.errors import LingxiError
    from lingxi.search import saved
    from lingxi.search.query import QuerySyntaxError
    from lingxi.search.service import SearchError

    service = _service(home)
    try:
        with service.db.sessions() as session:
            actor = _acting(session, user)
            row = saved.get_saved_search(session, actor, saved_id)
            request = saved.search_request(row, page, limit)
            with err_console.status("Searching (the index is built first if it is missing)…"):
                response = service.search_for(actor, request, session)
            name = row.name
    except LingxiError as error:
        err_console.print(f"[red]{escape(error.message)}[/]")
        raise typer.Exit(2) from None
    except (QuerySyntaxError, SearchError) as error:
        err_console.print(f"[red]saved search {saved_id}: {escape(str(error))}[/]")
        raise typer.Exit(2) from None
    finally:
        service.db.dispose()
    if as_json:
        typer.echo(json.dumps({**response.as_dict(), "saved_search": {"id": saved_id, "name": name}},
                              ensure_ascii=False, indent=2))
        return
    _print_hits(response, f"{escape(name)} · ")
