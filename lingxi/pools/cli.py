"""`lingxi pools …`: thin wrappers over lingxi.pools (the command line acts as the system operator)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from lingxi.accounts.principal import SYSTEM
from lingxi.cli_options import HomeOption, JsonOption, echo_json, run_in_transaction

app = typer.Typer(help="§7 patent pools and alliances: members, patents, licences, royalty statements (专利池)",
                  no_args_is_help=True)
console = Console()


@app.command("list")
def list_command(home: HomeOption = None, as_json: JsonOption = False) -> None:
    """Pools and alliances with member and patent counts."""
    from lingxi.pools.service import list_pools

    rows = run_in_transaction(home, lambda session: list_pools(session, SYSTEM))
    if as_json:
        echo_json(rows)
        return
    table = Table("id", "name", "kind", "chain", "split rule", "members", "patents", title=f"pools 专利池 ({len(rows)})")
    for p in rows:
        table.add_row(str(p["id"]), p["name"], p["kind"], p["chain"] or "", p["split_rule"], str(p["members"]),
                      str(p["patents"]))
    console.print(table)


@app.command("show")
def show_command(pool_id: int, home: HomeOption = None, as_json: JsonOption = False) -> None:
    """One pool: members, patents (essential marked), licences."""
    from lingxi.pools.service import get_pool

    pool = run_in_transaction(home, lambda session: get_pool(session, SYSTEM, pool_id))
    if as_json:
        echo_json(pool)
        return
    console.print(f"[bold]{pool['name']}[/] ({pool['kind']}, rule {pool['split_rule']})")
    for m in pool["members"]:
        console.print(f"  member {m['id']} {m['organisation']}: {m['patents']} patents, {m['essential']} essential")
    for p in pool["patents"]:
        console.print(f"  {'★' if p['essential'] else '·'} {p['number']} {p['title'][:40]} grade {p['grade']}")
    for l in pool["licences"]:
        console.print(f"  licence {l['id']} {l['kind']} → {l['licensee']} signed {l['signed_on']}")


@app.command("create")
def create_command(name: str, home: HomeOption = None, as_json: JsonOption = False,
                   kind: Annotated[str, typer.Option(help="pool or alliance")] = "pool",
                   chain: Annotated[str | None, typer.Option(help="Chain taxonomy[:node], e.g. chain_pv.")] = None,
                   rule: Annotated[str, typer.Option(help="patent_count, essential_weight or fixed_shares")] = "patent_count",
                   essential_weight: Annotated[str, typer.Option("--essential-weight")] = "2") -> None:
    """Create a pool or alliance."""
    from lingxi.pools.service import create_pool

    pool = run_in_transaction(home, lambda session: create_pool(session, SYSTEM, name, kind, chain=chain,
                                                                split_rule=rule, essential_weight=essential_weight))
    echo_json(pool) if as_json else console.print(f"pool {pool['id']} {pool['name']} created")


@app.command("add-member")
def add_member_command(pool_id: int, organisation_id: int, home: HomeOption = None, as_json: JsonOption = False,
                       role: Annotated[str, typer.Option(help="founder or member")] = "member",
                       fixed_share: Annotated[str | None, typer.Option("--fixed-share")] = None) -> None:
    """Add a member organisation to a pool."""
    from lingxi.pools.service import add_member

    member = run_in_transaction(home, lambda session: add_member(session, SYSTEM, pool_id, organisation_id, role,
                                                                 fixed_share=fixed_share))
    echo_json(member) if as_json else console.print(f"member {member['id']} {member['organisation']} added")


@app.command("add-patent")
def add_patent_command(pool_id: int, member_id: int, patent_id: int, home: HomeOption = None,
                       as_json: JsonOption = False,
                       essential: Annotated[bool, typer.Option("--essential/--non-essential")] = False) -> None:
    """Add a member's graded patent to the pool, essential or not."""
    from lingxi.pools.service import add_patent

    row = run_in_transaction(home, lambda session: add_patent(session, SYSTEM, pool_id, member_id, patent_id,
                                                              essential))
    echo_json(row) if as_json else console.print(f"{row['number']} added (grade {row['grade']})")


@app.command("licence")
def licence_command(pool_id: int, kind: Annotated[str, typer.Argument(help="cross or package")], signed_on: str,
                    home: HomeOption = None, as_json: JsonOption = False,
                    licensee: Annotated[str | None, typer.Option(help="Package licence: the outsider's name.")] = None,
                    members: Annotated[str | None, typer.Option(help="Cross-licence: member ids, comma-separated.")] = None,
                    upfront: Annotated[str, typer.Option("--upfront-yuan")] = "0",
                    royalty_rate: Annotated[str | None, typer.Option("--royalty-rate")] = None) -> None:
    """Record a cross-licence among members or a package licence to an outsider."""
    from lingxi.pools.service import add_licence

    row = run_in_transaction(home, lambda session: add_licence(
        session, SYSTEM, pool_id, kind, signed_on, licensee=licensee, member_ids=members, upfront_fee_yuan=upfront,
        royalty_rate=royalty_rate))
    echo_json(row) if as_json else console.print(f"licence {row['id']} ({row['kind']}) → {row['licensee']}")


@app.command("pay")
def pay_command(licence_id: int, amount_yuan: str, paid_on: str, home: HomeOption = None,
                as_json: JsonOption = False, note: Annotated[str | None, typer.Option()] = None) -> None:
    """Record a royalty payment under a package licence; prints its split among the members."""
    from lingxi.pools.service import record_payment

    result = run_in_transaction(home, lambda session: record_payment(session, SYSTEM, licence_id, amount_yuan,
                                                                     paid_on, note))
    if as_json:
        echo_json(result)
        return
    for a in result["allocations"]:
        console.print(f"member {a['member_id']}: ¥{a['amount_yuan']} ({a['basis']})")


@app.command("statements")
def statements_command(pool_id: int, home: HomeOption = None, as_json: JsonOption = False,
                       start: Annotated[str | None, typer.Option(help="First payment date YYYY-MM-DD.")] = None,
                       end: Annotated[str | None, typer.Option(help="Last payment date YYYY-MM-DD.")] = None) -> None:
    """Royalty statements per member for a period."""
    from lingxi.pools.service import statements

    result = run_in_transaction(home, lambda session: statements(session, SYSTEM, pool_id, start, end))
    if as_json:
        echo_json(result)
        return
    table = Table("member", "organisation", "lines", "total ¥", title=f"{result['pool']} royalties {start or ''}–{end or ''}")
    for m in result["members"]:
        table.add_row(str(m["member_id"]), m["organisation"], str(len(m["lines"])), m["total_yuan"])
    console.print(table)
    console.print(f"payments received ¥{result['payments_yuan']}")
