"""What a benchmark ran on, for its JSON: machines of the same kind differ (runs here have met an AMD EPYC and a
Xeon about 40 % slower per core), so figures from two sessions compare only on the same processor."""

from __future__ import annotations

import platform
import re
from pathlib import Path


def cpu_model() -> str:
    cpuinfo = Path("/proc/cpuinfo")
    found = re.search(r"model name\s*:\s*(.*)", cpuinfo.read_text()) if cpuinfo.exists() else None
    return found.group(1).strip() if found else platform.processor() or "unknown"
