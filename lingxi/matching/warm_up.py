"""Loading the matcher's models when a web worker starts, so the first user to press 匹配 does not wait for them.

A match needs the e5 and USE encoders, the keyword and vector indexes and, for English demands, the CC-CEDICT
dictionary; each is loaded once per process on first use. In a fresh worker that first match took ~2.8 s on the
demo (4.9 s at 1M patents, bench/results/matching_latency.json, `first_match_ms_cold`) against well under 200 ms
afterwards. The warm-up runs one Chinese and one English match in a background thread at start-up: requests are
served meanwhile, and a match that arrives first simply loads what it needs itself, as it always did.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass

log = logging.getLogger(__name__)

WARM_UP_TEXTS = ("预热：匹配模型加载", "warm up the matching models")


@dataclass
class WarmUpState:
    state: str = "off"  # off | running | done | failed
    seconds: float | None = None
    error: str | None = None

    def as_dict(self) -> dict:
        return {"state": self.state, "seconds": self.seconds, "error": self.error}


def warm_up(engine) -> float:
    """Run the warm-up matches on `engine` (a MatchEngine); returns the seconds they took."""
    started = time.perf_counter()
    for text in WARM_UP_TEXTS:
        engine.match_text(text, top_k=1)
    return time.perf_counter() - started


def start_warm_up(settings, db, search) -> tuple[WarmUpState, threading.Thread]:
    """Warm the matcher up in a daemon thread; the returned state says how far it got (shown by /api/status)."""
    state = WarmUpState(state="running")

    def run() -> None:
        try:
            from lingxi.matching.engine import MatchEngine

            state.seconds = round(warm_up(MatchEngine(settings, db, search)), 2)
            state.state = "done"
            log.info("matching models loaded in %.1f s", state.seconds)
        except Exception as error:  # noqa: BLE001 - a failed warm-up only means the first match loads them
            state.state, state.error = "failed", f"{type(error).__name__}: {error}"
            log.warning("matching warm-up failed (the first match will load the models): %s", state.error)

    thread = threading.Thread(target=run, name="lingxi-matching-warm-up", daemon=True)
    thread.start()
    return state, thread
