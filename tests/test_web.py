"""The web platform as served by `lingxi serve`: a real uvicorn process answering real HTTP."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time

import httpx
import pytest

from lingxi.db import open_database
from lingxi.demo.loader import load_demo


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def served_home(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    db = open_database(f"sqlite:///{home / 'lingxi.db'}")
    load_demo(db, size=200)
    db.dispose()
    port = free_port()
    env = {key: value for key, value in os.environ.items() if key != "LINGXI_DATABASE_URL"}
    server = subprocess.Popen(
        [sys.executable, "-m", "lingxi.cli", "serve", "--home", str(home), "--port", str(port)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            httpx.get(f"{base}/api/status", timeout=1)
            break
        except httpx.TransportError:
            assert server.poll() is None, server.stdout.read().decode()
            assert time.monotonic() < deadline, "server did not start"
            time.sleep(0.2)
    yield base
    server.terminate()
    server.wait(timeout=10)


def test_status_page_and_api(served_home):
    page = httpx.get(served_home + "/")
    assert page.status_code == 200
    assert "灵犀" in page.text and "产业知识产权运营服务平台" in page.text
    assert "虚构" in page.text  # the demo data is labelled fictional
    status = httpx.get(served_home + "/api/status").json()
    assert status["stats"]["patents"] == 200
    assert status["recent_imports"][0]["source"] == "demo"
    assert httpx.get(served_home + "/api/openapi.json").json()["info"]["title"] == "Lingxi 灵犀"
