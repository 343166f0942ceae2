"""`lingxi serve --workers N`: every worker takes its share of the connections, and a taken port is an error."""

from __future__ import annotations

import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from lingxi.db import open_database
from lingxi.demo.loader import load_demo
from serving import running_server

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            if parent == pid:
                found.append(int(entry.name))
    return found


def _sockets_on(port: int, state: str) -> set[str]:
    """Inodes of the server-side TCP sockets on `port` in `state` (01 established, 0A listening), from /proc."""
    inodes = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if int(fields[1].split(":")[1], 16) == port and fields[3] == state:
            inodes.add(fields[9])
    return inodes


def _socket_inodes(pid: int) -> set[str]:
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    return inodes


def _server_pid(port: int) -> int:
    listing = subprocess.run(["pgrep", "-f", f"lingxi.cli (serve|up) .*--port {port}"], capture_output=True, text=True)
    return int(listing.stdout.split()[0])


def test_each_worker_accepts_its_share_of_connections(tmp_path):
    with running_server(tmp_path, workers=2) as base:
        port = int(base.rsplit(":", 1)[1])
        workers = _children(_server_pid(port))
        listening = _sockets_on(port, "0A")
        per_worker = [_socket_inodes(pid) & listening for pid in workers]
        per_worker = [inodes for inodes in per_worker if inodes]
        # Two workers, each on a listening socket of its own (uvicorn's workers would all hold the same one)
        assert len(per_worker) == 2 and len(per_worker[0] | per_worker[1]) == 2, per_worker

        # A burst of connections, as a load tool or a proxy opens them, lands on both workers: the kernel hashes
        # them over the two sockets (all 24 on one has odds of 2 in 2^24)
        clients = [httpx.Client(base_url=base, timeout=30) for _ in range(24)]
        try:
            with ThreadPoolExecutor(24) as pool:
                assert set(pool.map(lambda client: client.get("/api/health").status_code, clients)) == {200}
            connections = _sockets_on(port, "01")
            assert len(connections) == 24
            shares = sorted(len(_socket_inodes(pid) & connections) for pid in workers)
            assert shares[-1] < 24 and sum(shares) == 24, shares
        finally:
            for client in clients:
                client.close()


def test_a_port_already_taken_is_an_error_not_a_shared_port(tmp_path):
    (tmp_path / "first").mkdir()
    with running_server(tmp_path / "first", workers=2) as base:
        port = base.rsplit(":", 1)[1]
        second = subprocess.run([sys.executable, "-m", "lingxi.cli", "serve", "--home", str(tmp_path / "second"),
                                 "--port", port, "--workers", "2"], capture_output=True, text=True, timeout=120)
        assert second.returncode != 0
        assert "cannot listen" in second.stderr + second.stdout
        assert httpx.get(f"{base}/api/health").status_code == 200


def test_up_serves_with_the_workers_asked_for(tmp_path):
    # `lingxi up` (make run) loads the demo on first start, then serves like `serve`: a home with a (small) demo
    # already loaded goes straight to serving, here with one worker per core
    db = open_database(f"sqlite:///{tmp_path / 'lingxi.db'}")
    load_demo(db, size=150)
    db.dispose()
    with running_server(tmp_path, workers=2, command="up") as base:
        port = int(base.rsplit(":", 1)[1])
        listening = _sockets_on(port, "0A")
        assert len([pid for pid in _children(_server_pid(port)) if _socket_inodes(pid) & listening]) == 2
