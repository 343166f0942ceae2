"""`lingxi push …`: thin wrappers over lingxi.push."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from lingxi.cli_options import HomeOption, JsonOption, open_home

app = typer.Typer(help="§5 subscriptions and precise push (精准推送)", no_args_is_help=True)
console = Console()


@app.command("run")
def run(home: HomeOption = None, as_json: JsonOption = False,
        queue_only: Annotated[bool, typer.Option("--queue-only", help="Record pushes and the inbox; leave e-mails "
                                                 "and webhooks queued for the next run.")] = False) -> None:
    """Push new patents (and, once the market module registers them, listings and open licences) to subscribers."""
    from lingxi.accounts.principal import SYSTEM
    from lingxi.errors import LingxiError
    from lingxi.push.runner import run_push

    settings, db = open_home(home)
    try:
        report = run_push(settings, db, SYSTEM, trigger="cli", external=not queue_only)
    except LingxiError as error:
        typer.echo(f"push run refused: {error.message}", err=True)
        raise typer.Exit(2) from None
    finally:
        db.dispose()
    if as_json:
        typer.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
        return
    table = Table("run", "items", "subscriptions", "matches", "new pushes", "already pushed", "channels sent",
                  "failed", "retried", "seconds")
    table.add_row(str(report.run_id), str(report.items_scanned), str(report.subscriptions_checked),
                  str(report.matches), str(report.deliveries_created), str(report.duplicates_skipped),
                  str(report.channels_sent), str(report.channels_failed), str(report.retried),
                  f"{report.timings.get('total', 0):.2f}")
    console.print(table)
    for note in report.notes:
        console.print(f"[yellow]{note}[/]")


@app.command("stats")
def stats(home: HomeOption = None, as_json: JsonOption = False,
          year: Annotated[int | None, typer.Option(help="One calendar year.")] = None) -> None:
    """Pushes by year, month, item type and channel (the programme counts pushes per year)."""
    from lingxi.accounts.principal import SYSTEM
    from lingxi.push.stats import push_counts

    _, db = open_home(home)
    with db.sessions() as session:
        counts = push_counts(session, SYSTEM, year)
    db.dispose()
    if as_json:
        typer.echo(json.dumps(counts, ensure_ascii=False, indent=2))
        return
    table = Table("year", "pushes")
    for row in counts["by_year"]:
        table.add_row(str(row["year"]), str(row["pushes"]))
    console.print(table)
    channels = Table("channel", "sent", "failed", "queued")
    for channel, by_status in sorted(counts["by_channel"].items()):
        channels.add_row(channel, str(by_status["sent"]), str(by_status["failed"]), str(by_status["queued"]))
    console.print(channels)
