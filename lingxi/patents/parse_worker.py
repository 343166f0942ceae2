"""Parse and normalise a file in worker processes while the importing process writes to the database.

Parsing (XML, JSON, spreadsheets), normalisation and building the store's rows are CPU-bound and independent
of the database, so on a multi-core machine they overlap with the writes. A worker sends each record as the
rows the store will insert (plain tuples: far cheaper to pickle than the record's dataclasses), so the
importing process is left with little more than the SQL.

An importer that can split a file (`parse_spans`, e.g. USPTO XML, whose documents are costly to parse) gets
several workers, each reading and parsing every n-th span of the file's bytes (no process splits the whole
file into documents); the reader takes the spans from the workers in turn, so results still come in file
order, and numbers the documents. Other formats get one worker.

Each worker writes to its own pipe, of which the importing process holds the only reading end: if that
process dies (even by SIGKILL), the worker's next write fails and the worker exits instead of lingering.
"""

from __future__ import annotations

import fcntl
import gc
import multiprocessing
import os
import pickle
import threading
from collections import deque
from collections.abc import Iterable, Iterator
from itertools import islice
from pathlib import Path
from typing import Self

from lingxi.patents.importers import ImportOptions, importer_by_name, leave_out_description
from lingxi.patents.normalise import InvalidRecord, PreparedRecord, prepare
from lingxi.patents.records import ParsedRecord, ParseResult, Rejection, SourceLocation
from lingxi.patents.store import encode_record

CHUNK = 200  # results per message from a single worker
BLOCK = 25  # documents per message when workers share a file
SPAN_BYTES = 4 * 2**20  # bytes of the file per span when workers share it (≈ 90 USPTO documents)
MAX_WORKERS = 4
PIPE_BYTES = 2**20
BUFFER_BYTES = 32 * 2**20  # results a worker may hold while the importing process is busy writing
_DONE = "done"
_FAILED = "failed"
_SPAN_END = "span"

# Files smaller than this parse faster in-process than a child process can start.
MIN_PARALLEL_BYTES = 4 * 2**20


def parallel_worth_it(path: Path) -> bool:
    try:
        return _cores() > 1 and path.stat().st_size >= MIN_PARALLEL_BYTES
    except OSError:
        return False


def worker_count(format_name: str) -> int:
    """Workers for a file of this format: one, or one per core when the importer can split files."""
    if not hasattr(importer_by_name(format_name), "parse_spans"):
        return 1
    return max(1, min(_cores(), MAX_WORKERS))


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))  # the cores this process may use, not all the machine's
    except (AttributeError, OSError):
        return os.cpu_count() or 1


class ParseWorkers:
    """Worker processes parsing one file; iterate for ("record", PreparedRecord, location) or
    ("rejection", Rejection) in file order. The PreparedRecords carry rows (store.encode_record), not records.

    The workers start at once, so the importing process can do something else (count the documents for the
    progress bar) while they get going. Use as a context manager, which stops them when leaving early.
    """

    def __init__(self, path: Path, format_name: str, options: ImportOptions, workers: int | None = None):
        self.shares = workers or worker_count(format_name)
        context = multiprocessing.get_context("fork")
        pipes = [context.Pipe(duplex=False) for _ in range(self.shares)]  # (reading end, writing end)
        for reader, _ in pipes:
            _widen(reader)
        self.processes = [
            context.Process(target=_work, args=(path, format_name, options, share, self.shares, pipes), daemon=True)
            for share in range(self.shares)
        ]
        self.readers = [reader for reader, _ in pipes]
        try:
            for process in self.processes:
                process.start()
        except BaseException:
            self.close()  # the workers already started get EPIPE and exit
            raise
        finally:
            for _, writer in pipes:
                writer.close()  # each worker holds the only writing end of its pipe: EOF means it is gone

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def __iter__(self) -> Iterator[tuple]:
        readers, shares = self.readers, self.shares
        span = 0
        before = 0  # documents in the spans already read: workers number documents from their span's start
        while True:
            try:
                kind, payload = pickle.loads(readers[span % shares].recv_bytes())
            except EOFError:
                raise RuntimeError("the parse worker stopped unexpectedly") from None
            if kind == _SPAN_END:
                before += payload
                span += 1
                continue
            if kind == _DONE:
                return
            if kind == _FAILED:
                raise RuntimeError(payload)
            for item in payload:
                if item.__class__ is tuple:
                    key, base, digest, rows, left_out, file, line, document, identifier = item
                    if before:
                        document += before
                    location = SourceLocation(file, line, document, identifier)
                    yield ("record", PreparedRecord(None, key, base, digest, rows, left_out), location)
                else:
                    if before and item.location.document is not None:
                        item.location.document += before
                    yield ("rejection", item)

    def close(self) -> None:
        for reader in self.readers:
            reader.close()  # a worker still writing gets EPIPE and exits
        for process in self.processes:
            if process.pid is None:
                continue  # never started
            process.join(timeout=5)
            if process.is_alive():
                process.kill()
                process.join()


def _widen(connection) -> None:
    """A 1 MiB pipe instead of 64 KiB: a message of results crosses in one or two writes, not dozens."""
    try:
        fcntl.fcntl(connection.fileno(), getattr(fcntl, "F_SETPIPE_SZ", 1031), PIPE_BYTES)
    except OSError:  # not Linux, or above the system's limit: the default size works, a little slower
        pass


def prepared_results(
    path: Path, format_name: str, options: ImportOptions, workers: int | None = None
) -> Iterator[tuple]:
    """Yield ("record", PreparedRecord, location) or ("rejection", Rejection) in file order (see ParseWorkers)."""
    with ParseWorkers(path, format_name, options, workers) as results:
        yield from results


def _work(path: Path, format_name: str, options: ImportOptions, share: int, shares: int, pipes: list) -> None:
    # Everything inherited from the importing process lives as long as the worker: keep the collector from
    # walking it again and again (a full collection would visit every object of SQLAlchemy and the caches).
    gc.freeze()
    for number, (reader, writer) in enumerate(pipes):
        reader.close()
        if number != share:
            writer.close()
    channel = _Sender(pipes[share][1], BUFFER_BYTES)
    try:
        importer = importer_by_name(format_name)
        if shares > 1:
            blocks: Iterable = importer.parse_spans(path, options, share, shares, SPAN_BYTES, BLOCK)
        else:
            blocks = _chunks(importer.parse(path, options), CHUNK)
        for results in blocks:
            if results.__class__ is not list:  # the end of a span: the reader moves on to the next worker
                channel.send(pickle.dumps((_SPAN_END, results.documents), pickle.HIGHEST_PROTOCOL))
                continue
            items = [_prepare(result, options) for result in results]
            channel.send(pickle.dumps(("chunk", items), pickle.HIGHEST_PROTOCOL))
            # What outlives a chunk is mostly the party caches, which grow by the hundred thousand: out of the
            # collector's way with the rest (the collector took a fifth of a JSON Lines worker's time walking them).
            gc.freeze()
        channel.send(pickle.dumps((_DONE, None)))
    except Exception as error:  # reported by the reader as a rejection; nothing read so far is lost
        channel.send(pickle.dumps((_FAILED, f"{type(error).__name__}: {error}")))
    channel.close()


class _Sender:
    """Writes messages to the pipe from a thread, holding up to `limit` bytes of them meanwhile.

    A pipe holds 64 KiB, while the importing process reads nothing for as long as it writes a batch to the
    database: without this buffer the worker would stall for that long, and the two processes would take
    turns instead of working at the same time. When the importing process is gone the write fails (EPIPE)
    and the thread ends the worker at once.
    """

    def __init__(self, connection, limit: int):
        self.connection = connection
        self.limit = limit
        self.pending: deque[bytes | None] = deque()
        self.size = 0
        self.changed = threading.Condition()
        self.thread = threading.Thread(target=self._run, name="parse-worker-sender", daemon=True)
        self.thread.start()

    def send(self, data: bytes | None) -> None:
        with self.changed:
            while self.pending and self.size + len(data or b"") > self.limit:
                self.changed.wait()
            self.pending.append(data)
            self.size += len(data or b"")
            self.changed.notify_all()

    def close(self) -> None:
        """Wait until everything is written."""
        self.send(None)
        self.thread.join()

    def _run(self) -> None:
        while True:
            with self.changed:
                while not self.pending:
                    self.changed.wait()
                data = self.pending[0]
            if data is None:
                return
            try:
                self.connection.send_bytes(data)
            except OSError:  # the importing process is gone
                os._exit(1)
            with self.changed:
                self.pending.popleft()
                self.size -= len(data)
                self.changed.notify_all()


def _chunks(results: Iterable[ParseResult], size: int) -> Iterator[list[ParseResult]]:
    iterator = iter(results)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _prepare(result: ParseResult, options: ImportOptions) -> tuple | Rejection:
    if isinstance(result, Rejection):
        return result
    assert isinstance(result, ParsedRecord)
    location = result.location
    left_out = leave_out_description(result, options)
    try:
        prepared = prepare(result.record)
        rows = encode_record(prepared)
    except InvalidRecord as error:
        return Rejection(location, str(error))
    except Exception as error:  # an odd record costs one rejection, not the file
        return Rejection(location, f"could not prepare the record: {type(error).__name__}: {error}")
    return (
        prepared.key, prepared.number_base, prepared.content_hash, rows, left_out,
        location.file, location.line, location.document, location.identifier,
    )  # fmt: skip


__all__ = ["ParseWorkers", "SourceLocation", "parallel_worth_it", "prepared_results", "worker_count"]
