"""`lingxi finance …`: thin wrappers over lingxi.finance (the command line acts as the system operator)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from lingxi.accounts.principal import SYSTEM
from lingxi.cli_options import HomeOption, JsonOption, echo_json, run_in_transaction

app = typer.Typer(help="§8 IP finance: institutions, products, pledge-eligible patents, pledges (知识产权金融)",
                  no_args_is_help=True)
console = Console()


@app.command("products")
def products_command(home: HomeOption = None, as_json: JsonOption = False,
                     kind: Annotated[str | None, typer.Option(help="pledge_loan, insurance, securitisation, guarantee")] = None) -> None:
    """Finance products of every institution, with rates, amounts, terms and eligibility rules."""
    from lingxi.finance.institutions import list_products

    rows = run_in_transaction(home, lambda session: list_products(session, SYSTEM, kind=kind))
    if as_json:
        echo_json(rows)
        return
    table = Table("id", "institution", "product", "kind", "rate", "amount ¥", "term (months)", "rules",
                  title=f"products 金融产品 ({len(rows)})")
    for p in rows:
        table.add_row(str(p["id"]), p["institution"] or "", p["name"], p["kind"],
                      f"{p['rate_min'] or ''}–{p['rate_max'] or ''}", f"{p['amount_min_yuan'] or ''}–{p['amount_max_yuan'] or ''}",
                      f"{p['term_months_min'] or ''}–{p['term_months_max'] or ''}",
                      ", ".join(f"{k}={v}" for k, v in p["eligibility"].items()))
    console.print(table)


@app.command("institutions")
def institutions_command(home: HomeOption = None, as_json: JsonOption = False) -> None:
    """Financial institutions (科创银行机构库)."""
    from lingxi.finance.institutions import list_institutions

    rows = run_in_transaction(home, lambda session: list_institutions(session, SYSTEM))
    if as_json:
        echo_json(rows)
        return
    table = Table("id", "name", "kind", "region", title=f"institutions 金融机构 ({len(rows)})")
    for i in rows:
        table.add_row(str(i["id"]), i["name"], i["kind"], "/".join(x for x in (i["province"], i["city"]) if x))
    console.print(table)


def _list(text: str | None) -> list[str] | None:
    return [part.strip() for part in text.replace("，", ",").split(",") if part.strip()] if text else None


@app.command("add-institution")
def add_institution_command(name: str, kind: Annotated[str, typer.Argument(help="bank, insurer, guarantor, fund, securities")],
                            home: HomeOption = None, as_json: JsonOption = False,
                            organisation: Annotated[int | None, typer.Option("--organisation", help="Organisation id whose financiers act for it.")] = None,
                            province: Annotated[str | None, typer.Option()] = None,
                            city: Annotated[str | None, typer.Option()] = None) -> None:
    """Add a financial institution to the 科创银行机构库."""
    from lingxi.finance.institutions import create_institution

    row = run_in_transaction(home, lambda session: create_institution(session, SYSTEM, name, kind, organisation,
                                                                      province, city))
    echo_json(row) if as_json else console.print(f"institution {row['id']} {row['name']} added")


@app.command("add-product")
def add_product_command(institution_id: int, name: str,
                        kind: Annotated[str, typer.Argument(help="pledge_loan, insurance, securitisation, guarantee")],
                        home: HomeOption = None, as_json: JsonOption = False,
                        rate: Annotated[str | None, typer.Option(help="LOW,HIGH annual rate, e.g. 0.0345,0.045")] = None,
                        amount: Annotated[str | None, typer.Option(help="MIN,MAX yuan")] = None,
                        term: Annotated[str | None, typer.Option(help="MIN,MAX months")] = None,
                        ltv: Annotated[str | None, typer.Option("--ltv", help="Loan-to-value, e.g. 0.4")] = None,
                        min_grade: Annotated[str | None, typer.Option("--min-grade")] = None,
                        types: Annotated[str | None, typer.Option(help="invention,utility_model,design")] = None,
                        sizes: Annotated[str | None, typer.Option(help="micro,small,medium,large")] = None,
                        provinces: Annotated[str | None, typer.Option()] = None,
                        min_remaining_years: Annotated[int | None, typer.Option("--min-remaining-years")] = None) -> None:
    """Add a product with its terms and eligibility rules."""
    from lingxi.finance.institutions import create_product

    def pair(text):
        values = _list(text) or [None, None]
        return (values + [None])[:2]

    rules = {"min_grade": min_grade, "patent_types": _list(types), "size_classes": _list(sizes),
             "provinces": _list(provinces), "min_remaining_years": min_remaining_years}
    (rate_min, rate_max), (amount_min, amount_max), (term_min, term_max) = pair(rate), pair(amount), pair(term)
    row = run_in_transaction(home, lambda session: create_product(
        session, SYSTEM, institution_id, name, kind, rate_min=rate_min, rate_max=rate_max, amount_min_yuan=amount_min,
        amount_max_yuan=amount_max, term_months_min=term_min, term_months_max=term_max, loan_to_value=ltv,
        eligibility={k: v for k, v in rules.items() if v not in (None, [])}))
    echo_json(row) if as_json else console.print(f"product {row['id']} {row['name']} added")


@app.command("eligible")
def eligible_command(home: HomeOption = None, as_json: JsonOption = False,
                     product: Annotated[int | None, typer.Option(help="Product id: apply its rules.")] = None,
                     min_grade: Annotated[str, typer.Option(help="Without a product: A, B, C or D.")] = "B",
                     holder: Annotated[str | None, typer.Option(help="Part of a holder's name.")] = None,
                     page: int = 1, page_size: Annotated[int, typer.Option("--page-size")] = 20) -> None:
    """Pledge-eligible patents (质押融资可用专利) with grade and valuation range."""
    from lingxi.finance.matching import eligible_patents

    result = run_in_transaction(home, lambda session: eligible_patents(
        session, SYSTEM, product_id=product, min_grade=min_grade, holder=holder, page=page, page_size=page_size))
    if as_json:
        echo_json(result)
        return
    table = Table("id", "number", "title", "holders", "grade", "valuation ¥ (low–mid–high)",
                  title=f"pledge-eligible 可质押专利 ({result['total']})")
    for r in result["items"]:
        v = r["valuation"]
        table.add_row(str(r["patent_id"]), r["number"], r["title"][:40], r["holders"][:30], r["grade"] or "",
                      f"{v['low']}–{v['mid']}–{v['high']}" if v else "—")
    console.print(table)


@app.command("match")
def match_command(organisation_id: int, home: HomeOption = None, as_json: JsonOption = False) -> None:
    """An enterprise's patents against every product: eligible patents, reasons, indicative amount."""
    from lingxi.finance.matching import match_enterprise

    result = run_in_transaction(home, lambda session: match_enterprise(session, SYSTEM, organisation_id))
    if as_json:
        echo_json(result)
        return
    console.print(f"[bold]{result['organisation']}[/]: {result['patents']} patents")
    for offer in result["products"]:
        product = offer["product"]
        console.print(f"\n[bold]{product['institution']} · {product['name']}[/] "
                      f"({offer['eligible_count']} eligible, amount {offer['indicative_amount']['amount_yuan'] or '—'})")
        for line in offer["explanation_zh"]:
            console.print(f"  · {line}")


@app.command("pledges")
def pledges_command(home: HomeOption = None, as_json: JsonOption = False,
                    status: Annotated[str | None, typer.Option(help="applied, registered, released, rejected")] = None,
                    page: int = 1, page_size: Annotated[int, typer.Option("--page-size")] = 50) -> None:
    """Pledge cases (质押登记) with status and amount."""
    from lingxi.finance.pledges import list_cases

    result = run_in_transaction(home, lambda session: list_cases(session, SYSTEM, status=status, page=page,
                                                                 page_size=page_size))
    if as_json:
        echo_json(result)
        return
    table = Table("id", "status", "pledgor", "pledgee", "patents", "amount ¥", "applied", "registered", "reg. no.",
                  "released", title=f"pledges 质押 ({result['total']})")
    for c in result["items"]:
        table.add_row(str(c["id"]), c["status"], c["pledgor"][:30], c["institution"] or "", str(len(c["patent_ids"])),
                      c["amount_yuan"], c["applied_on"], c["registered_on"] or "", c["registration_number"] or "",
                      c["released_on"] or "")
    console.print(table)


@app.command("apply")
def apply_command(product_id: int, patent_ids: Annotated[str, typer.Argument(help="Patent ids, comma-separated.")],
                  amount_yuan: str, home: HomeOption = None, as_json: JsonOption = False,
                  pledgor: Annotated[str | None, typer.Option(help="Pledgor name (else the organisation's).")] = None,
                  organisation: Annotated[int | None, typer.Option("--organisation", help="Pledgor organisation id.")] = None,
                  term_months: Annotated[int | None, typer.Option("--term-months")] = None) -> None:
    """Open a pledge case; every patent must pass the product's rules (the refusal names patent and rule)."""
    from lingxi.finance.pledges import apply

    result = run_in_transaction(home, lambda session: apply(
        session, SYSTEM, product_id, patent_ids, amount_yuan, term_months=term_months,
        pledgor_organisation_id=organisation, pledgor=pledgor))
    echo_json(result) if as_json else console.print(f"pledge case {result['id']}: {result['status']}")


@app.command("register")
def register_command(case_id: int, registered_on: str, registration_number: str, home: HomeOption = None,
                     as_json: JsonOption = False) -> None:
    """Record that a pledge case was registered at CNIPA (writes one pledge record per patent)."""
    from lingxi.finance.pledges import register

    result = run_in_transaction(home, lambda session: register(session, SYSTEM, case_id, registered_on,
                                                               registration_number))
    echo_json(result) if as_json else console.print(f"pledge case {case_id}: {result['status']}")


@app.command("release")
def release_command(case_id: int, released_on: str, home: HomeOption = None, as_json: JsonOption = False) -> None:
    """Record the release of a registered pledge."""
    from lingxi.finance.pledges import release

    result = run_in_transaction(home, lambda session: release(session, SYSTEM, case_id, released_on))
    echo_json(result) if as_json else console.print(f"pledge case {case_id}: {result['status']}")
