"""Market (SPEC §6): listings (挂牌), open licences (开放许可), deals (交易) and events (对接会/路演/拍卖/培训).

Every service takes (session, actor) and checks the actor's permission and record rules itself, so the REST API, the
pages and the CLI obey the same rules. The caller owns the transaction: one call is one transaction, so a transition
that fails half-way leaves nothing behind.
"""
