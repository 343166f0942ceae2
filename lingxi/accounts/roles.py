"""The seven roles of SPEC.md and what each may do.

Permissions are checked in the services (`require`), so the REST API, the pages and the CLI obey the same rules;
the UI only hides what a role could not use anyway.
"""

from __future__ import annotations

from enum import StrEnum

from lingxi.errors import PermissionDenied


class Role(StrEnum):
    operator = "operator"
    supplier = "supplier"
    enterprise = "enterprise"
    broker = "broker"
    financier = "financier"
    regulator = "regulator"
    admin = "admin"

    @property
    def label_zh(self) -> str:
        return ROLE_LABELS[self][0]

    @property
    def label_en(self) -> str:
        return ROLE_LABELS[self][1]


ROLE_LABELS = {
    Role.operator: ("运营人员", "Operator"),
    Role.supplier: ("供给方", "Supplier"),
    Role.enterprise: ("需求方企业", "Enterprise"),
    Role.broker: ("技术经纪人", "Broker"),
    Role.financier: ("金融机构", "Financier"),
    Role.regulator: ("主管部门", "Regulator"),
    Role.admin: ("系统管理员", "Administrator"),
}

# What each permission lets a user do; record-level rules (own organisation only) live in the services.
PATENTS_READ = "patents.read"  # search and read patent records (public data)
PATENTS_IMPORT = "patents.import"  # run imports, read import jobs and their rejection reports
STATS_READ = "stats.read"  # aggregate figures only
ORGANISATIONS_READ_ALL = "organisations.read_all"  # every organisation's confidential file
ORGANISATIONS_DIRECTORY = "organisations.directory"  # the public directory: name, kind, region
ORGANISATIONS_EDIT_OWN = "organisations.edit_own"
ORGANISATIONS_EDIT_ALL = "organisations.edit_all"
USERS_MANAGE = "users.manage"
AUDIT_READ = "audit.read"
TAGS_REVIEW = "tags.review"  # edit taxonomies, review / correct deep-indexing tags (深度标引审核)
VALUE_CONFIGURE = "value.configure"  # weight profiles, grade thresholds, awards, populations, comparables; re-score
ENTERPRISES_MANAGE = "enterprises.manage"  # every enterprise file: create, import, confirm patent links, DD notes
DEMANDS_POST = "demands.post"  # post and edit demands (an enterprise its own; operators any)
MATCH_RUN = "match.run"  # run demand → patent matching and licensee discovery, give match feedback
SUBSCRIPTIONS_OWN = "subscriptions.own"  # keep one's own push subscriptions and inbox
PUSH_MANAGE = "push.manage"  # every subscription, push runs and delivery logs
MARKET_POST = "market.post"  # list patents and declare open licences (a supplier for its own patents; operators any)
MARKET_TRADE = "market.trade"  # send enquiries on listings, accept open licences (for one's own organisation)
MARKET_APPROVE = "market.approve"  # approve / reject listings, assign brokers, market parameters
DEALS_MANAGE = "deals.manage"  # the deal desk and events: operators every deal, brokers the deals assigned to them
KPI_MANAGE = "kpi.manage"  # programmes and targets, manual adjustments, patent flags; KPI drill-down to records
FINANCE_PLEDGES = "finance.pledges"  # pledge-eligible lists of every holder, pledge cases (financiers: own institution)
FINANCE_MANAGE = "finance.manage"  # every institution, product and pledge case (operators)
POOLS_MANAGE = "pools.manage"  # create pools, members, patents, licences, royalty payments (operators)
SEARCHES_READ_ALL = "searches.read_all"  # see and run every user's saved searches (changing stays with the owner)

_EVERY_MEMBER = {PATENTS_READ, STATS_READ, ORGANISATIONS_DIRECTORY, ORGANISATIONS_EDIT_OWN, MATCH_RUN,
                 SUBSCRIPTIONS_OWN}
_OPERATIONS = {PATENTS_IMPORT, ORGANISATIONS_READ_ALL, ORGANISATIONS_EDIT_ALL, TAGS_REVIEW, VALUE_CONFIGURE,
               ENTERPRISES_MANAGE, DEMANDS_POST, PUSH_MANAGE, MARKET_POST, MARKET_TRADE, MARKET_APPROVE,
               DEALS_MANAGE, FINANCE_PLEDGES, FINANCE_MANAGE, POOLS_MANAGE, KPI_MANAGE, SEARCHES_READ_ALL}

ROLE_PERMISSIONS: dict[Role, frozenset[str]] = {
    Role.operator: frozenset(_EVERY_MEMBER | _OPERATIONS),
    Role.supplier: frozenset(_EVERY_MEMBER | {MARKET_POST}),
    Role.enterprise: frozenset(_EVERY_MEMBER | {DEMANDS_POST, MARKET_TRADE}),
    Role.broker: frozenset(_EVERY_MEMBER | {DEALS_MANAGE}),
    Role.financier: frozenset(_EVERY_MEMBER | {FINANCE_PLEDGES}),
    # A regulator reads aggregates: no organisation directory, no record of any single enterprise.
    Role.regulator: frozenset({PATENTS_READ, STATS_READ}),
    Role.admin: frozenset(_EVERY_MEMBER | _OPERATIONS | {USERS_MANAGE, AUDIT_READ}),
}


def has_permission(role: str, permission: str) -> bool:
    return permission in ROLE_PERMISSIONS.get(Role(role), frozenset())


def require(actor, permission: str) -> None:
    """Raise PermissionDenied unless the actor's role grants the permission."""
    if not has_permission(actor.role, permission):
        raise PermissionDenied(f"role {actor.role} may not do {permission}")
