"""The in-app inbox (站内信): a message row per delivery, written in the run's own transaction (cannot fail apart)."""

from __future__ import annotations

from lingxi.push.items import ITEM_TYPE_LABELS


def inbox_row(delivery_id: int, user_id: int, item_type: str, item_id: int, title: str, link: str, summary: str,
              reasons: list[str]) -> dict:
    """The values of one InboxMessage (inserted in bulk by the runner)."""
    label = ITEM_TYPE_LABELS.get(item_type, (item_type, item_type))[0]
    body = "\n".join(part for part in (summary, "匹配订阅：" + "；".join(reasons) if reasons else "") if part)
    return {"user_id": user_id, "delivery_id": delivery_id, "item_type": item_type, "item_id": item_id,
            "title": f"【{label}】{title}"[:2000], "body": body, "link": link}
