"""Serving the web app from several worker processes, each accepting on its own listening socket.

uvicorn's workers share one listening socket, and whichever worker wakes first accepts every connection waiting:
under load from a few keep-alive clients (a reverse proxy, a load tool) one worker ends up with nearly all of them
while the other core idles. Measured with wrk, 16 connections, 2 workers: 16/0 or 15/1 in most runs.

With SO_REUSEPORT each worker listens on a socket of its own, all bound to the same address, and the kernel spreads
new connections over them by a hash of the client's address and port (16 connections: 11/5 at worst in 6 runs).
"""

from __future__ import annotations

import logging
import socket

from uvicorn import Config
from uvicorn.config import STARTUP_FAILURE
from uvicorn.supervisors.multiprocess import Multiprocess, Process

log = logging.getLogger("uvicorn.error")


def serve_workers(app: str, host: str, port: int, workers: int) -> None:
    """Run `app` (an import string of an app factory) in `workers` processes on host:port until interrupted."""
    # No access log: at level warning its lines were never written, yet each request still built one
    config = Config(app, factory=True, host=host, port=port, workers=workers, log_level="warning", access_log=False)
    if not hasattr(socket, "SO_REUSEPORT"):  # not Linux/BSD: uvicorn's shared socket
        Multiprocess(config, sockets=[config.bind_socket()]).run()
        return
    _refuse_if_taken(host, port)
    sockets = [_reuse_port_socket(host, port, config.backlog) for _ in range(workers)]
    log.info("Lingxi running on http://%s:%d with %d workers", host, port, workers)
    OwnSocketWorkers(config, sockets).run()


class OwnSocketWorkers(Multiprocess):
    """uvicorn's supervisor (health checks, restarts, signals), starting worker i on sockets[i] only.

    A worker started later to replace one (after a crash, SIGHUP or SIGTTIN) is given every socket, as uvicorn
    gives its workers: no socket is ever left without a worker accepting on it, at the cost of balance.
    """

    def init_processes(self) -> None:
        for sock in self.sockets:
            process = Process(self.config, [sock])
            process.start()
            self.processes.append(process)


def _refuse_if_taken(host: str, port: int) -> None:
    # A socket with SO_REUSEPORT would share the port with another server that also set it (a second Lingxi left
    # running) and split its traffic silently; a plain bind first makes a taken port an error, as without workers.
    probe = socket.socket(_family(host))
    try:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind((host, port))
    except OSError as error:
        log.error("cannot listen on %s:%d: %s", host, port, error)
        raise SystemExit(STARTUP_FAILURE) from error
    finally:
        probe.close()


def _reuse_port_socket(host: str, port: int, backlog: int) -> socket.socket:
    sock = socket.socket(_family(host))
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    # Listening from the start: the kernel hashes connections over the listening sockets only, so a worker still
    # starting up would otherwise leave all of them to the first one ready. These wait in its queue instead.
    sock.listen(backlog)
    sock.set_inheritable(True)
    return sock


def _family(host: str) -> socket.AddressFamily:
    return socket.AF_INET6 if ":" in host else socket.AF_INET
