"""`lingxi taxonomy …`, `lingxi classify …` and `lingxi tag run`: thin wrappers over lingxi.tagging."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from rich.table import Table

from lingxi.cli_options import fail
from lingxi.tagging.taxonomy import TaxonomyError

taxonomy_app = typer.Typer(help="Taxonomies (分类体系): industry chains, SEI 2018, WIPO fields, your own.",
                           no_args_is_help=True)
tag_app = typer.Typer(help="Deep indexing (深度标引): tag patents with taxonomies.", no_args_is_help=True)

console = Console()
err_console = Console(stderr=True)

HomeOption = Annotated[
    Optional[Path],
    typer.Option("--home", envvar="LINGXI_HOME", help="Data directory (database, indexes, reports)."),
]


def _open(home: Path | None):
    from lingxi.cli import open_home

    return open_home(home)[1]


@taxonomy_app.command("list")
def taxonomy_list(home: HomeOption = None,
                  as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """List taxonomies (latest version of each); the shipped ones are installed on first use."""
    from lingxi.tagging.store import install_shipped, list_versions

    db = _open(home)
    with db.sessions() as session:
        install_shipped(session)
        session.commit()
        rows = [{"name": r.name, "version": r.version, "kind": r.kind, "title_zh": r.title_zh,
                 "title_en": r.title_en, "created_by": r.created_by} for r in list_versions(session)]
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    table = Table("name", "version", "kind", "title")
    for row in rows:
        table.add_row(row["name"], str(row["version"]), row["kind"], f"{row['title_zh']} / {row['title_en']}")
    console.print(table)


@taxonomy_app.command("import")
def taxonomy_import(file: Annotated[Path, typer.Argument(help="Taxonomy YAML file.")], home: HomeOption = None) -> None:
    """Import a taxonomy from YAML; an existing name gets a new version."""
    from lingxi.tagging.store import install_shipped, save_taxonomy

    db = _open(home)
    with db.sessions() as session:
        install_shipped(session)
        try:
            row, created = save_taxonomy(session, file.read_text(encoding="utf-8"), created_by="cli")
        except TaxonomyError as error:
            fail(str(error))
        session.commit()
    console.print(f"{row.name} version {row.version}" + ("" if created else " (unchanged: same content)"))


@taxonomy_app.command("export")
def taxonomy_export(name: str, home: HomeOption = None,
                    version: Annotated[Optional[int], typer.Option(help="Version (default: latest).")] = None,
                    output: Annotated[Optional[Path], typer.Option("-o", "--output", help="File to write.")] = None
                    ) -> None:
    """Export a taxonomy version as YAML (to stdout or a file)."""
    from lingxi.tagging.store import get_version, install_shipped

    db = _open(home)
    with db.sessions() as session:
        install_shipped(session)
        session.commit()
        row = get_version(session, name, version)
        if row is None:
            fail(f"no taxonomy {name!r}" + (f" version {version}" if version else ""), 1)
        text = row.yaml_text
    if output:
        output.write_text(text, encoding="utf-8")
        console.print(f"wrote {output}")
    else:
        typer.echo(text, nl=False)


@taxonomy_app.command("import-concordance")
def taxonomy_import_concordance(
    file: Annotated[Path, typer.Argument(help="CSV/XLSX: sei code, name, ipc patterns, exclusions, keywords.")],
    name: Annotated[str, typer.Option(help="Taxonomy name to save it as.")] = "sei_2018",
    home: HomeOption = None,
) -> None:
    """Import an official IPC concordance table (e.g. CNIPA's SEI–IPC 参照关系表) as a new taxonomy version."""
    from lingxi.tagging.concordance import concordance_yaml
    from lingxi.tagging.store import install_shipped, save_taxonomy

    try:
        text = concordance_yaml(file, name)
    except TaxonomyError as error:
        fail(str(error))
    db = _open(home)
    with db.sessions() as session:
        install_shipped(session)
        row, _ = save_taxonomy(session, text, created_by="concordance")
        session.commit()
    console.print(f"{row.name} version {row.version} from {file.name}")


def classify_command(
    taxonomy: Annotated[str, typer.Option("--taxonomy", help="Taxonomy name, e.g. chain_ev, sei_2018.")],
    text: Annotated[str, typer.Option("--text", help="Text to classify: a title, abstract or demand.")],
    home: HomeOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Classify a text (e.g. a demand 需求) into a taxonomy, with confidence and evidence."""
    from lingxi.tagging.classifier import Classifier, text_document
    from lingxi.tagging.store import install_shipped, load_taxonomy, trained_model

    db = _open(home)
    with db.sessions() as session:
        install_shipped(session)
        session.commit()
        loaded = load_taxonomy(session, taxonomy)
        if loaded is None:
            fail(f"no taxonomy {taxonomy!r} (see `lingxi taxonomy list`)", 1)
        results = Classifier(loaded, trained_model(session, loaded)).classify(text_document(text))
    if as_json:
        typer.echo(json.dumps({"taxonomy": taxonomy, "version": loaded.version,
                               "tags": [r.as_dict() for r in results]}, ensure_ascii=False, indent=2))
        return
    table = Table("node", "name", "confidence", "source", "evidence", title=f"{taxonomy} v{loaded.version}")
    for r in results:
        table.add_row(r.node_key, r.name_zh, f"{r.confidence:.2f}", r.source, r.evidence_text)
    console.print(table if results else "no node matched")


@tag_app.command("run")
def tag_run(
    taxonomy: Annotated[Optional[list[str]], typer.Option("--taxonomy", help="Taxonomy name (repeatable); "
                                                          "default: every installed taxonomy.")] = None,
    all_patents: Annotated[bool, typer.Option("--all", help="Re-tag every patent, not only those not yet tagged "
                                              "with this taxonomy and model version.")] = False,
    annotations: Annotated[bool, typer.Option("--annotations/--no-annotations",
                                              help="Also extract problem/means/effect and estimate TRL.")] = True,
    batch_size: Annotated[int, typer.Option(help="Patents per transaction.")] = 1000,
    home: HomeOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Tag patents (resumable: a killed run continues where it stopped)."""
    from lingxi.tagging.jobs import run_tagging

    db = _open(home)
    columns = (TextColumn("tagging 标引"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
               TimeRemainingColumn())
    with Progress(*columns, console=err_console, disable=as_json) as progress:
        task = progress.add_task("tagging", total=None)
        try:
            summary = run_tagging(db, taxonomy, restart=all_patents, batch_size=batch_size, annotations=annotations,
                                  on_total=lambda n: progress.update(task, total=n),
                                  on_advance=lambda n: progress.advance(task, n))
        except KeyError as error:
            fail(str(error.args[0]), 1)
    if as_json:
        typer.echo(json.dumps(summary.as_dict(), ensure_ascii=False, indent=2))
        return
    table = Table("taxonomy", "version", "model", "patents", "tags")
    for name, info in summary.taxonomies.items():
        table.add_row(name, str(info["version"]), info["model_version"], f"{info['patents']:,}", f"{info['tags']:,}")
    console.print(table)
    console.print(f"{summary.patents:,} patents in {summary.seconds:.1f} s "
                  f"({summary.patents_per_second:,.0f} patents/s); {summary.annotations:,} annotations")
