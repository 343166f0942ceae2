"""`lingxi value show / compute / profiles …`: thin wrappers over lingxi.value (indicators, profiles, scores)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from rich.table import Table

from lingxi.cli_options import HomeOption, JsonOption, fail, open_home

console = Console()
err_console = Console(stderr=True)
profiles_app = typer.Typer(help="Weight profiles (权重方案): list, export, import as a new version.",
                           no_args_is_help=True)


def show(identifier: Annotated[str, typer.Argument(help="Internal id, key or publication number.")],
         home: HomeOption = None, as_json: JsonOption = False) -> None:
    """A patent's value: indicators (raw, normalised, source) and scores per scenario with their breakdown."""
    from lingxi.accounts.principal import SYSTEM
    from lingxi.patents.queries import find_patent
    from lingxi.value.service import patent_value

    db = open_home(home)[1]
    with db.sessions() as session:
        patent = find_patent(session, identifier)
        if patent is None:
            fail(f"no patent {identifier!r}", 1)
        value = patent_value(session, SYSTEM, patent.id)
    if as_json:
        typer.echo(json.dumps(value, ensure_ascii=False, indent=2))
        return
    console.print(f"[bold]{value['key']}[/] {value['title']}")
    if not value["computed"]:
        console.print(value["message"])
        return
    console.print(f"cohort 同类组: {value['cohort']} ({value['cohort_level']}, {value['cohort_size']} patents)")
    scores = Table("scenario 场景", "profile", "score", "grade", "法律", "技术", "经济", "coverage")
    for s in value["scores"].values():
        scores.add_row(f"{s['scenario_zh']} {s['scenario']}", f"{s['profile']} v{s['profile_version']}",
                       f"{s['score']:.1f}", s["grade"], *(_num(s[d]) for d in ("legal", "technical", "economic")),
                       f"{s['coverage']:.0%}" + (" (low)" if s["low_coverage"] else ""))
    console.print(scores)
    indicators = Table("indicator 指标", "raw", "normalised", "source")
    for name, item in value["indicators"].items():
        indicators.add_row(f"{item['name_zh']} {name}", "—" if item["raw"] is None else str(item["raw"]),
                           "—" if item["normalised"] is None else f"{item['normalised']:.2f}", item["source"] or "")
    console.print(indicators)


def _num(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


def compute(
    scenario: Annotated[Optional[list[str]], typer.Option("--scenario", help="Scenario to score (repeatable); "
                                                          "default: every scenario with an active profile.")] = None,
    home: HomeOption = None,
    as_json: JsonOption = False,
) -> None:
    """Compute indicators for every patent, normalise them per cohort and score every scenario."""
    from lingxi.value.jobs import run_scoring

    db = open_home(home)[1]
    columns = (TextColumn("value 价值评估"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
               TimeRemainingColumn())
    with Progress(*columns, console=err_console, disable=as_json) as progress:
        task = progress.add_task("value", total=None)

        def advance(done: int, total: int) -> None:
            progress.update(task, total=total, advance=done)

        try:
            summary = run_scoring(db, scenario, on_progress=advance)
        except KeyError as error:
            fail(str(error.args[0]), 1)
    if as_json:
        typer.echo(json.dumps(summary.as_dict(), ensure_ascii=False, indent=2))
        return
    table = Table("scenario 场景", "profile", "scored", "A", "B", "C", "D", "mean", "coverage")
    for name, info in summary.scenarios.items():
        grades = info["grades"]
        table.add_row(name, f"{info['profile']} v{info['version']}", f"{info['scored']:,}",
                      *(f"{grades.get(g, 0):,}" for g in "ABCD"), _num(info["mean_score"]),
                      f"{info['mean_coverage']:.0%}" if info["mean_coverage"] is not None else "—")
    console.print(table)
    console.print(f"{summary.patents:,} patents in {summary.seconds:.1f} s ({summary.patents_per_second:,.0f} "
                  f"patents/s: indicators {summary.seconds_indicators:.1f} s, scores {summary.seconds_scores:.1f} s); "
                  f"{summary.cohorts:,} cohorts")


@profiles_app.command("list")
def profiles_list(home: HomeOption = None, as_json: JsonOption = False,
                  all_versions: Annotated[bool, typer.Option("--all", help="Every version.")] = False) -> None:
    """Weight profiles (latest version of each; the shipped ones are installed on first use)."""
    from lingxi.accounts.principal import SYSTEM
    from lingxi.value.service import list_profiles

    db = open_home(home)[1]
    with db.sessions() as session:
        rows = list_profiles(session, SYSTEM, all_versions)
        session.commit()
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    table = Table("name", "version", "scenario", "active", "title", "weights 法律/技术/经济", "grades A/B/C")
    for r in rows:
        weights = "/".join(f"{r['weights'].get(d, {}).get('weight', 0):g}" for d in ("legal", "technical", "economic"))
        grades = "/".join(f"{r['grade_thresholds'].get(g, 0):g}" for g in "ABC") if r["grade_thresholds"] else "—"
        table.add_row(r["name"], str(r["version"]), r["scenario"], "yes" if r["is_active"] else "",
                      r["title_zh"], weights if r["weights"] else "—", grades)
    console.print(table)


@profiles_app.command("export")
def profiles_export(name: str, home: HomeOption = None,
                    version: Annotated[Optional[int], typer.Option(help="Version (default: latest).")] = None,
                    output: Annotated[Optional[Path], typer.Option("-o", "--output", help="File to write.")] = None
                    ) -> None:
    """Export a profile as YAML (edit it and import it back as the next version)."""
    from lingxi.accounts.principal import SYSTEM
    from lingxi.errors import NotFound
    from lingxi.value.service import get_profile

    db = open_home(home)[1]
    with db.sessions() as session:
        try:
            text = get_profile(session, SYSTEM, name, version)["yaml"]
        except NotFound as error:
            fail(error.message, 1)
        session.commit()
    if output:
        output.write_text(text, encoding="utf-8")
        console.print(f"wrote {output}")
    else:
        typer.echo(text, nl=False)


@profiles_app.command("import")
def profiles_import(file: Annotated[Path, typer.Argument(help="Profile YAML or JSON.")],
                    home: HomeOption = None) -> None:
    """Save a profile as the next version of its name; it becomes the active profile of its scenario."""
    from lingxi.accounts.principal import SYSTEM
    from lingxi.errors import InvalidInput
    from lingxi.value.service import save_profile

    db = open_home(home)[1]
    with db.sessions() as session:
        try:
            saved = save_profile(session, SYSTEM, file.read_text(encoding="utf-8"))
        except InvalidInput as error:
            fail(f"{file}: {error.message}" + (f" (field {error.field})" if error.field else ""))
        session.commit()
    console.print(f"{saved['name']} version {saved['version']}" + ("" if saved["created"] else " (unchanged)")
                  + " — run `lingxi value compute` to re-score")


def register(app: typer.Typer) -> None:
    app.command("show")(show)
    app.command("compute")(compute)
    app.add_typer(profiles_app, name="profiles")
