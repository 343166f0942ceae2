"""Run the real platform (`lingxi serve`, uvicorn) in a subprocess for tests that speak HTTP to it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import httpx

DEMO_PASSWORD = "lingxi-demo"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def running_server(home: Path, database_url: str | None = None, embed_in_background: bool = False,
                   workers: int = 1, command: str = "serve", warm_up_matching: bool = False):
    """Yield the base URL of `lingxi serve` (or another command that serves, `up`) on `home` (and `database_url`,
    default the home's SQLite file), run with `workers` worker processes.

    The server's background embedding for semantic search and its matching warm-up are off unless a test asks
    for them: they would spend CPU (a minute, a few seconds) behind every other test's back.
    """
    env = {key: value for key, value in os.environ.items() if key not in ("LINGXI_DATABASE_URL", "LINGXI_HOME")}
    env["LINGXI_EMBED_IN_BACKGROUND"] = "true" if embed_in_background else "false"
    env["LINGXI_WARM_UP_MATCHING"] = "true" if warm_up_matching else "false"
    if database_url:
        env["LINGXI_DATABASE_URL"] = database_url
    port = free_port()
    log_path = home / f"server-{port}.log"
    with open(log_path, "wb") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "lingxi.cli", command, "--home", str(home), "--port", str(port),
             "--workers", str(workers)],
            env=env, stdout=log, stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(f"{base}/api/health", timeout=1)
                break
            except httpx.TransportError:
                assert server.poll() is None, log_path.read_text()
                assert time.monotonic() < deadline, "server did not start:\n" + log_path.read_text()
                time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def api_token(base: str, username: str, password: str = DEMO_PASSWORD) -> str:
    answer = httpx.post(f"{base}/api/auth/token", json={"username": username, "password": password})
    assert answer.status_code == 200, answer.text
    return answer.json()["token"]


def api_client(base: str, username: str, password: str = DEMO_PASSWORD) -> httpx.Client:
    return httpx.Client(base_url=base, headers={"Authorization": f"Bearer {api_token(base, username, password)}"}, timeout=30)


def browser_session(base: str, username: str, password: str = DEMO_PASSWORD) -> httpx.Client:
    """An httpx client logged in through the login form, as a browser would be (session cookie)."""
    import re

    client = httpx.Client(base_url=base, timeout=30)
    form = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.text).group(1)
    answer = client.post("/login", data={"username": username, "password": password, "csrf_token": token})
    assert answer.status_code == 303, answer.text
    return client


def csrf_of(page_html: str) -> str:
    import re

    return re.search(r'name="csrf_token" value="([^"]+)"', page_html).group(1)
