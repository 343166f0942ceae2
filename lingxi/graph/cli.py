"""`lingxi graph …`: neighbourhoods, shortest paths and dashboards of the knowledge graph (as the system operator)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from lingxi.accounts.principal import SYSTEM
from lingxi.cli_options import HomeOption, JsonOption, echo_json, run_in_transaction

app = typer.Typer(help="§11 knowledge graph: neighbours, paths, chain / region dashboards (知识图谱)",
                  no_args_is_help=True)
console = Console()


def _list(text: str | None) -> list[str] | None:
    return [part.strip() for part in text.split(",") if part.strip()] if text else None


@app.command("neighbours")
def neighbours_command(node: Annotated[str, typer.Argument(help="TYPE:KEY, e.g. patent:12, org:5, person:7, "
                                                                 "taxon:chain_ev:battery")],
                       home: HomeOption = None, as_json: JsonOption = False,
                       types: Annotated[str | None, typer.Option(help="node types, comma-separated")] = None,
                       kinds: Annotated[str | None, typer.Option(help="edge kinds, comma-separated")] = None,
                       limit: int = 50) -> None:
    """A node's neighbours with the edges to them."""
    from lingxi.graph.explore import neighbours

    result = run_in_transaction(home, lambda s: neighbours(s, SYSTEM, node, types=_list(types), kinds=_list(kinds),
                                                           limit=limit))
    if as_json:
        echo_json(result)
        return
    edge_of = {e["target"] if e["source"] == node else e["source"]: e["kind"] for e in result["edges"]}
    table = Table("node", "type", "label", "edge", title=f"{result['node']['label']} ({node})"
                  + (" · truncated" if result["truncated"] else ""))
    for n in result["nodes"]:
        table.add_row(n["id"], n["type"], n["label"], edge_of.get(n["id"], ""))
    console.print(table)


@app.command("path")
def path_command(source: str, target: str, home: HomeOption = None, as_json: JsonOption = False,
                 max_depth: Annotated[int, typer.Option("--max-depth")] = 4,
                 via: Annotated[str | None, typer.Option(help="node types allowed in between")] = None) -> None:
    """The shortest path between two nodes (e.g. an enterprise and a university), up to --max-depth edges."""
    from lingxi.graph.explore import shortest_path

    result = run_in_transaction(home, lambda s: shortest_path(s, SYSTEM, source, target, max_depth=max_depth,
                                                              via=_list(via)))
    if as_json:
        echo_json(result)
        return
    if not result["found"]:
        console.print(f"no path of at most {max_depth} edges ({result['explored']} nodes explored)")
        return
    parts = [result["nodes"][0]["label"]]
    for edge, node in zip(result["edges"], result["nodes"][1:]):
        parts.append(f"—{edge['kind']}→ {node['label']}")
    console.print(" ".join(parts))


@app.command("dashboard")
def dashboard_command(home: HomeOption = None, as_json: JsonOption = False,
                      chain: Annotated[str | None, typer.Option(help="TAXONOMY[:NODE]")] = None,
                      region: Annotated[str | None, typer.Option(help="PROVINCE[/CITY]")] = None) -> None:
    """Live counts for a chain or a region."""
    from lingxi.graph.dashboard import dashboard

    result = run_in_transaction(home, lambda s: dashboard(s, SYSTEM, chain=chain, region=region))
    if as_json:
        echo_json(result)
        return
    table = Table("figure", "count", title=f"dashboard {chain or region}")
    for key, value in result["counts"].items():
        table.add_row(key, str(value))
    console.print(table)
