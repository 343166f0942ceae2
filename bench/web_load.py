"""Benchmark: the web platform under concurrent load on loopback (wrk), on the demo data set.

Run from the repository root::

    .venv/bin/python bench/web_load.py        # prints each run, writes bench/results/web_load.json

What it does: a fresh temporary LINGXI_HOME is loaded with `lingxi demo` (the data `make run` shows) and served by
the real app with `lingxi serve [--workers N]`, the command users run, once per worker count. Two calls are loaded
with wrk (Debian package `wrk`, installed here with apt-get when missing):

* the patent-detail page `/patents/{id}`, rotating over patents taken from a real search results page, with the
  session cookie of the operator demo account obtained by logging in through `/login` (the form's hidden fields,
  e.g. the CSRF token, are sent back as a browser would);
* the search API `GET /api/search?q=…`, rotating over Chinese terms of the demo data, with the operator's API
  token from `POST /api/auth/token` sent as `Authorization: Bearer …`.

Each run is bounded (default 32 connections, 2 threads, 20 s, after a 3 s warm-up). Latency percentiles and error
counts come from a Lua `done` hook (wrk's own summary has no p95); errors = socket errors (connect, read, write,
timeout) + HTTP status ≥ 400, and every run is checked before and after to answer 200 with the expected content,
because wrk does not count a redirect to /login as an error. wrk and the server share the machine's cores, so the
figures are a lower bound for a server with the machine to itself.

Target (issue 3): API search ≥ 500 requests/s, p95 ≤ 50 ms, zero errors; the detail page is held to p95 ≤ 50 ms and
zero errors. With a closed loop of C connections the mean latency is C / throughput (Little's law), so at 32
connections p95 ≤ 50 ms needs well over 640 requests/s.
Usage: python bench/web_load.py [--connections 32] [--threads 2] [--duration 20] [--workers 1,2] [--size 3000]
"""

from __future__ import annotations

import argparse
import html
import json
import os
import platform
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

import httpx
from machine import cpu_model  # bench/ is on the path when a benchmark runs

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "web_load.json"
USERNAME, PASSWORD = "operator", "lingxi-demo"
# Realistic operator queries over the fictional province's industry chains (each matches dozens to hundreds of
# demo patents): photovoltaics, electrolysis, packaging, chips, coatings, sensors, catalysts, single crystals.
SEARCH_TERMS = ["光伏", "电解", "封装", "芯片", "涂层", "传感器", "催化剂", "单晶", "储能", "复合材料"]
DETAIL_PAGES = 20
TARGET = {"api_search": {"min_requests_per_s": 500, "max_p95_ms": 50, "max_errors": 0},
          "patent_detail": {"max_p95_ms": 50, "max_errors": 0}}

LUA = r"""
local paths = {%(paths)s}
local counter = 0
local thread_offset = 0
setup = function(thread)
  thread:set("thread_offset", counter)
  counter = counter + 7
end
request = function()
  thread_offset = thread_offset + 1
  return wrk.format("GET", paths[(thread_offset %% #paths) + 1])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'LINGXI_RESULT {"requests": %%d, "duration_us": %%d, "bytes": %%d, "connect": %%d, "read": %%d, "write": %%d, '
    .. '"status": %%d, "timeout": %%d, "p50": %%d, "p75": %%d, "p90": %%d, "p95": %%d, "p99": %%d, "max": %%d, '
    .. '"mean": %%f}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(75), latency:percentile(90), latency:percentile(95),
    latency:percentile(99), latency.max, latency.mean))
end
"""


def ensure_wrk() -> str:
    wrk = shutil.which("wrk")
    if wrk:
        return wrk
    if os.geteuid() != 0:
        sys.exit("wrk is needed: apt-get install wrk (as root)")
    print("wrk not found: installing Debian's wrk", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update"], check=True, env=env)
    subprocess.run(["apt-get", "install", "-y", "--no-install-recommends", "wrk"], check=True, env=env)
    return shutil.which("wrk") or sys.exit("wrk still not found after apt-get install")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def server_env(home: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in ("LINGXI_DATABASE_URL", "LINGXI_HOME")}
    env["LINGXI_HOME"] = str(home)
    env["LINGXI_EMBED_IN_BACKGROUND"] = "false"  # measure requests, not the semantic index being built alongside
    return env


def load_demo(home: Path, size: int) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "lingxi.cli", "demo", "--home", str(home), "--size", str(size)],
                   env=server_env(home), check=True, capture_output=True)
    return time.perf_counter() - started


class Server:
    """The real app in a subprocess; its output (access log included, as deployed) goes to a file, not a pipe."""

    def __init__(self, home: Path, workers: int):
        self.home, self.workers, self.port = home, workers, free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        command = [sys.executable, "-m", "lingxi.cli", "serve", "--home", str(home), "--port", str(self.port),
                   "--workers", str(workers)]
        self.log_path = home / f"server-{workers}.log"
        self.log = open(self.log_path, "wb")  # noqa: SIM115 - held open for the server's lifetime, closed in stop()
        self.process = subprocess.Popen(command, env=server_env(home), stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(f"{self.base}/api/status", timeout=2)
                return
            except httpx.TransportError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    sys.exit(f"server did not start:\n{self.log_path.read_text(errors='replace')}")
                time.sleep(0.2)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


def login_cookie(base: str) -> str:
    """Log in through the page as a browser does; returns the Cookie header value of the session."""
    with httpx.Client(base_url=base, follow_redirects=False, timeout=10) as client:
        form_page = client.get("/login")
        form_page.raise_for_status()
        form = re.search(r'<form[^>]*id="login-form".*?</form>', form_page.text, re.DOTALL)
        if not form:
            sys.exit("/login has no #login-form")
        fields = {}
        for tag in re.findall(r"<input[^>]*>", form.group(0)):
            name = re.search(r'name="([^"]*)"', tag)
            value = re.search(r'value="([^"]*)"', tag)
            if name:
                fields[name.group(1)] = html.unescape(value.group(1)) if value else ""
        fields.update(username=USERNAME, password=PASSWORD)
        action = re.search(r'action="([^"]*)"', form.group(0))
        answer = client.post(action.group(1) if action and action.group(1) else "/login", data=fields)
        if answer.status_code not in (302, 303) or answer.headers.get("location") not in ("/", f"{base}/"):
            sys.exit(f"login failed: {answer.status_code} {answer.headers.get('location')} {answer.text[:300]}")
        return "; ".join(f"{name}={value}" for name, value in client.cookies.items())


def api_token(base: str) -> str:
    answer = httpx.post(f"{base}/api/auth/token", json={"username": USERNAME, "password": PASSWORD}, timeout=10)
    answer.raise_for_status()
    return answer.json()["token"]


def detail_paths(base: str, cookie: str) -> list[str]:
    paths: list[str] = []
    for term in SEARCH_TERMS:
        page = httpx.get(f"{base}/patents", params={"q": term}, headers={"Cookie": cookie}, timeout=10)
        page.raise_for_status()
        for path in re.findall(r'href="(/patents/[^"?#/]+)"', page.text):
            if path not in paths:
                paths.append(path)
        if len(paths) >= DETAIL_PAGES:
            break
    if not paths:
        sys.exit("no patent links found on /patents?q=… pages")
    return paths[:DETAIL_PAGES]


def check(base: str, paths: list[str], headers: dict[str, str], expect: str) -> None:
    """Every path answers 200 with the expected content: wrk alone would not notice a redirect to /login."""
    for path in paths:
        answer = httpx.get(base + path, headers=headers, timeout=10, follow_redirects=False)
        if answer.status_code != 200 or expect not in answer.text:
            sys.exit(f"{path}: {answer.status_code}, expected 200 with {expect!r}: {answer.text[:300]}")


def unloaded_latency(base: str, paths: list[str], headers: dict[str, str], rounds: int = 5) -> dict[str, float]:
    """One request at a time on a kept-alive connection: the cost of a call without queueing, to read the loaded
    figures against (under a closed loop, latency = connections / throughput once the server is saturated)."""
    timings = []
    with httpx.Client(base_url=base, headers=headers, timeout=10) as client:
        for _ in range(rounds):
            for path in paths:
                started = time.perf_counter()
                client.get(path).raise_for_status()
                timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    return {"requests": len(timings), "p50": round(timings[len(timings) // 2], 2),
            "p95": round(timings[int(len(timings) * 0.95)], 2)}


def _ticks(pid: int) -> int:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    return int(fields[11]) + int(fields[12])  # utime + stime


def cpu_snapshot(server_pid: int) -> dict[str, int]:
    """Machine-wide busy CPU ticks, and those of the server with its workers and of finished children (wrk)."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    total, idle = sum(values[:8]), values[3] + values[4]
    ours = _ticks(server_pid)
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            if parent == server_pid:
                ours += _ticks(int(entry.name))
    children = os.times()
    wrk_ticks = round((children.children_user + children.children_system) * os.sysconf("SC_CLK_TCK"))
    return {"total": total, "busy": total - idle, "ours": ours + wrk_ticks}


def foreign_cpu_share(before: dict[str, int], after: dict[str, int]) -> float:
    """Share of the machine's CPU that other programs used during a run: the server and wrk share the cores with
    nothing else on a quiet machine (≈ 0); a high share means the run reads low and should be repeated."""
    total = after["total"] - before["total"]
    other = (after["busy"] - before["busy"]) - (after["ours"] - before["ours"])
    return round(max(other, 0) / total, 3) if total else 0.0


def run_wrk(wrk: str, base: str, paths: list[str], headers: dict[str, str], args, duration: int, work: Path) -> dict:
    script = work / "rotate.lua"
    script.write_text(LUA % {"paths": ", ".join(json.dumps(p) for p in paths)}, encoding="utf-8")
    command = [wrk, f"-t{args.threads}", f"-c{args.connections}", f"-d{duration}s", "--timeout", "5s", "--latency",
               "-s", str(script)]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    with subprocess.Popen(command + [base], stdout=subprocess.PIPE, text=True) as process:
        time.sleep(duration / 2)
        spread = connections_per_worker(base)
        output = process.communicate()[0]
    if process.returncode:
        sys.exit(f"wrk failed ({process.returncode}): {output[-500:]}")
    line = next(line for line in output.splitlines() if line.startswith("LINGXI_RESULT "))
    raw = json.loads(line.removeprefix("LINGXI_RESULT "))
    seconds = raw["duration_us"] / 1e6
    errors = {name: raw[name] for name in ("connect", "read", "write", "timeout", "status")}
    return {
        "requests": raw["requests"],
        "seconds": round(seconds, 2),
        "requests_per_s": round(raw["requests"] / seconds, 1),
        "latency_ms": {p: round(raw[p] / 1000, 2) for p in ("p50", "p75", "p90", "p95", "p99", "max")}
        | {"mean": round(raw["mean"] / 1000, 2)},
        "errors": errors | {"total": sum(errors.values())},
        "transfer_kib_per_s": round(raw["bytes"] / seconds / 1024, 1),
        "connections_per_worker": spread,
    }


def connections_per_worker(base: str) -> list[int]:
    """How wrk's connections are spread over the server's worker processes mid-run (from `ss`), largest first: a
    worker holding most of them serves them on one core while the other idles."""
    port = base.rsplit(":", 1)[1]
    try:
        listing = subprocess.run(["ss", "-tnpH", "state", "established", f"( sport = :{port} )"],
                                 capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return []
    counts: dict[str, int] = {}
    for pid in re.findall(r"pid=(\d+)", listing):
        counts[pid] = counts.get(pid, 0) + 1
    return sorted(counts.values(), reverse=True)


def verdict(endpoint: str, run: dict) -> bool:
    target = TARGET[endpoint]
    return (run["requests_per_s"] >= target.get("min_requests_per_s", 0)
            and run["latency_ms"]["p95"] <= target["max_p95_ms"] and run["errors"]["total"] <= target["max_errors"])



def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--duration", type=int, default=20, help="seconds per measured run")
    parser.add_argument("--warmup", type=int, default=3, help="seconds of unmeasured load before each run")
    parser.add_argument("--workers", default="1,2", help="uvicorn worker counts to measure, comma-separated")
    parser.add_argument("--size", type=int, default=3000, help="demo patents (lingxi demo --size; 3000 = default)")
    args = parser.parse_args()
    wrk = ensure_wrk()
    wrk_version = subprocess.run([wrk, "--version"], check=False, capture_output=True, text=True).stdout.splitlines()[0]

    results: dict = {
        "benchmark": "web_load",
        "machine": f"{os.cpu_count()} cores, {platform.machine()} ({cpu_model()}), Python {platform.python_version()}",
        "load_tool": wrk_version,
        "connections": args.connections, "threads": args.threads, "duration_s": args.duration,
        "warmup_s": args.warmup, "target": TARGET, "runs": [],
    }
    with tempfile.TemporaryDirectory(prefix="lingxi-web-load-") as tmp:
        home = Path(tmp) / "home"
        home.mkdir()
        results["demo_load_s"] = round(load_demo(home, args.size), 1)
        for workers in [int(w) for w in args.workers.split(",")]:
            server = Server(home, workers)
            try:
                cookie = login_cookie(server.base)
                token = api_token(server.base)
                status = httpx.get(f"{server.base}/api/status", headers={"Authorization": f"Bearer {token}"},
                                   timeout=10).json()
                results["data"] = {"patents": status["stats"]["patents"], "parties": status["stats"].get("parties"),
                                   "set": f"demo (lingxi demo --size {args.size})"}
                loads = {
                    "patent_detail": (detail_paths(server.base, cookie), {"Cookie": cookie}, 'id="patent-title"'),
                    "api_search": ([f"/api/search?q={quote(term)}" for term in SEARCH_TERMS],
                                   {"Authorization": f"Bearer {token}", "Accept": "application/json"}, "{"),
                }
                for endpoint, (paths, headers, expect) in loads.items():
                    check(server.base, paths, headers, expect)
                    unloaded = unloaded_latency(server.base, paths, headers)
                    if args.warmup:
                        run_wrk(wrk, server.base, paths, headers, args, args.warmup, Path(tmp))
                    cpu_before = cpu_snapshot(server.process.pid)
                    run = run_wrk(wrk, server.base, paths, headers, args, args.duration, Path(tmp))
                    foreign = foreign_cpu_share(cpu_before, cpu_snapshot(server.process.pid))
                    check(server.base, paths, headers, expect)  # still logged in, still answering
                    run = {"endpoint": endpoint, "workers": workers,
                           "paths": len(paths), "example": paths[0]} | run | {"unloaded_ms": unloaded}
                    run["other_programs_cpu_share"] = foreign
                    run["meets_target"] = verdict(endpoint, run)
                    results["runs"].append(run)
                    latency = run["latency_ms"]
                    print(f"{endpoint:14} workers={workers} {run['requests_per_s']:8.1f} req/s  p50 {latency['p50']} "
                          f"p95 {latency['p95']} p99 {latency['p99']} ms  errors {run['errors']['total']}  "
                          f"(one at a time: p50 {unloaded['p50']} ms; other programs {foreign:.0%} CPU; connections per "
                          f"worker {run['connections_per_worker']})  "
                          f"target {'met' if run['meets_target'] else 'NOT met'}", flush=True)
            finally:
                server.stop()
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"→ {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
