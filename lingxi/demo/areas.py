"""Each built area adds its own demo records once the demo patents are imported and tagged, in this order:
enterprises before the market (deals need parties) and before matching and push (they need demands); the market
before value (platform deals are a value indicator and wake sleeping patents); value before finance, pools and
matching (pledge lists, catalogues and matches show grades); then KPIs (they count everything), talents (their
portfolio value reads the scores), the operator's saved searches and navigation reports (they read all of it)."""

from __future__ import annotations

from lingxi.db import Database


def seed_area_demos(db: Database) -> None:
    from lingxi.enterprises.demo import seed_demo as seed_enterprises
    from lingxi.finance.demo import seed_demo as seed_finance
    from lingxi.kpi.demo import seed_demo as seed_kpi
    from lingxi.market.demo import seed_demo as seed_market
    from lingxi.matching.demo import seed_demo as seed_matching
    from lingxi.navigation.demo import seed_demo as seed_navigation
    from lingxi.pools.demo import seed_demo as seed_pools
    from lingxi.push.demo import seed_demo as seed_push
    from lingxi.search.demo import seed_demo as seed_saved_searches
    from lingxi.talent.demo import seed_demo as seed_talent
    from lingxi.value.demo import seed_demo as seed_value

    for seed in (seed_enterprises, seed_market, seed_value, seed_finance, seed_pools, seed_matching, seed_push,
                 seed_kpi, seed_talent, seed_saved_searches, seed_navigation):
        seed(db)
