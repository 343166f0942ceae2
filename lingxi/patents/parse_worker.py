"""Parse and normalise a file in a child process while the parent writes to the database.

Parsing (XML, JSON, spreadsheets) and normalisation are CPU-bound and independent of the store, so on a
multi-core machine they overlap with the database writes. Results come back in file order, in chunks.
If the parent dies (even by SIGKILL) the child notices and exits instead of lingering.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
from collections.abc import Iterator
from pathlib import Path

from lingxi.patents.importers import ImportOptions, importer_by_name
from lingxi.patents.normalise import InvalidRecord, prepare
from lingxi.patents.records import ParsedRecord, Rejection, SourceLocation

CHUNK = 200
_DONE = "done"
_FAILED = "failed"

# Files smaller than this parse faster in-process than a child process can start.
MIN_PARALLEL_BYTES = 4 * 2**20


def parallel_worth_it(path: Path) -> bool:
    try:
        return (os.cpu_count() or 1) > 1 and path.stat().st_size >= MIN_PARALLEL_BYTES
    except OSError:
        return False


def prepared_results(path: Path, format_name: str, options: ImportOptions) -> Iterator[tuple]:
    """Yield ("record", PreparedRecord, location) or ("rejection", Rejection) in file order."""
    context = multiprocessing.get_context("fork")
    channel = context.Queue(maxsize=64)
    child = context.Process(target=_work, args=(path, format_name, options, channel, os.getpid()), daemon=True)
    child.start()
    try:
        while True:
            kind, payload = channel.get()
            if kind == _DONE:
                return
            if kind == _FAILED:
                raise RuntimeError(payload)
            yield from payload
    finally:
        child.join(timeout=5)
        if child.is_alive():
            child.kill()


def _work(path: Path, format_name: str, options: ImportOptions, channel, parent: int) -> None:
    try:
        chunk: list[tuple] = []
        for result in importer_by_name(format_name).parse(path, options):
            chunk.append(_prepare(result))
            if len(chunk) >= CHUNK:
                _send(channel, ("chunk", chunk), parent)
                chunk = []
        if chunk:
            _send(channel, ("chunk", chunk), parent)
        _send(channel, (_DONE, None), parent)
    except Exception as error:  # reported by the parent as a rejection; nothing read so far is lost
        _send(channel, (_FAILED, f"{type(error).__name__}: {error}"), parent)


def _prepare(result) -> tuple:
    if isinstance(result, Rejection):
        return ("rejection", result)
    assert isinstance(result, ParsedRecord)
    try:
        return ("record", prepare(result.record), result.location)
    except InvalidRecord as error:
        return ("rejection", Rejection(result.location, str(error)))


def _send(channel, item, parent: int) -> None:
    while True:
        try:
            channel.put(item, timeout=1)
            return
        except queue.Full:
            if os.getppid() != parent:  # the importing process is gone
                os._exit(1)


__all__ = ["prepared_results", "parallel_worth_it", "SourceLocation"]
