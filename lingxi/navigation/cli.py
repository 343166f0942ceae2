"""`lingxi report navigation …`: build a navigation report (专利导航报告) and write its files; thin over
lingxi.navigation.service and lingxi.navigation.outputs."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from lingxi.cli_options import HomeOption, JsonOption, echo_json, fail, open_home
from lingxi.errors import LingxiError
from lingxi.navigation.scope import SCOPE_HELP

app = typer.Typer(help="Reports (报告): patent navigation reports of the five GB/T 39551 types.",
                  no_args_is_help=True)
console = Console()


@app.command("navigation")
def navigation(
    report_type: Annotated[str, typer.Option("--type", help="regional | industry | enterprise | rd | talent")],
    scope: Annotated[str, typer.Option("--scope", help=f"What to analyse: {SCOPE_HELP}")],
    out: Annotated[Path, typer.Option("--out", help="Directory to write the report files into.")],
    pdf: Annotated[bool, typer.Option("--pdf", help="Also write the PDF.")] = False,
    docx: Annotated[bool, typer.Option("--docx", help="Also write the Word .docx.")] = False,
    benchmark: Annotated[str, typer.Option("--benchmark", help="Benchmark scope for 长板/短板 (same syntax).")] = "all",
    taxonomy: Annotated[str | None, typer.Option("--taxonomy", help="Taxonomy for the technology breakdown.")] = None,
    lang: Annotated[str, typer.Option("--lang", help="zh | en")] = "zh",
    title: Annotated[str | None, typer.Option("--title", help="Report title (default from scope and type).")] = None,
    regenerate: Annotated[int | None, typer.Option("--regenerate", help="Rerun stored report ID instead.")] = None,
    home: HomeOption = None,
    as_json: JsonOption = False,
) -> None:
    """Run the analyses for a scope, store the report (scope, data version, settings) and write HTML [+PDF, DOCX].

    Scopes: chain:chain_pv · node:chain_pv:pv.cell · region:青峦 · org:NAME · query:TI=(光伏) · import:JOB_ID · all
    """
    from lingxi.accounts.principal import SYSTEM
    from lingxi.navigation import service
    from lingxi.navigation.outputs import write_files
    from lingxi.search.service import SearchService

    settings, db = open_home(home)
    formats = ("html",) + (("pdf",) if pdf else ()) + (("docx",) if docx else ())
    try:
        with db.sessions() as session, session.begin():
            search = SearchService(settings, db) if regenerate is not None or scope.startswith(("query:", "saved:")) \
                else None
            extra = {}
            if regenerate is not None:
                extra = service.regenerate(session, SYSTEM, regenerate, search)
                row = service.get_report(session, SYSTEM, extra["report"]["id"])
            else:
                options = {"benchmark": benchmark, "taxonomy": taxonomy}
                if title:
                    options["title"] = title
                row = service.create_report(session, SYSTEM, report_type, scope, options, search)
            files = write_files(row, out, formats, lang)
            summary = service.report_summary(row)
    except LingxiError as error:
        fail(f"{error.message}{f' ({error.field})' if error.field else ''}")
    finally:
        db.dispose()
    answer = {"report": summary, "files": [str(f) for f in files], **{k: v for k, v in extra.items() if k != "report"}}
    if as_json:
        echo_json(answer)
        return
    console.print(f"Report [bold]NAV-{summary['id']:05d}[/] {summary['title']} — {summary['patents']:,} patents, "
                  f"analyses {summary['analyses_ms']:,} ms")
    if "identical" in extra:
        console.print(f"Figures identical to report {regenerate}: {extra['identical']}; data changed: "
                      f"{', '.join(extra['changed_data']) or 'no'}")
    for f in files:
        console.print(f"  {f}")


@app.command("list")
def list_reports(home: HomeOption = None, as_json: JsonOption = False) -> None:
    """Stored navigation reports, newest first."""
    from lingxi.accounts.principal import SYSTEM
    from lingxi.navigation import service

    db = open_home(home)[1]
    with db.sessions() as session:
        rows = service.list_reports(session, SYSTEM, 1, 100).items
    db.dispose()
    if as_json:
        echo_json(rows)
        return
    for r in rows:
        console.print(f"NAV-{r['id']:05d}  {r['type']:<10} {r['scope']:<30} {r['patents']:>8,}  {r['title']}")
