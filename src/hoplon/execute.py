"""Where the work runs: local processes or a Dask cluster, behind one ``map_points``.

Every analysis that runs many independent items (sweep points, coalition subsets) hands
a module-level function and its picklable arguments to :func:`map_points`; results do
not depend on where they ran.
"""

from __future__ import annotations

import os
import re
import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, TypeVar

from hoplon._version import __version__
from hoplon.errors import (
    InputError,
)

T = TypeVar("T")
R = TypeVar("R")

#: Most local processes a command starts (``workers``); more than the cores only
#: adds memory.
MAX_WORKERS = 256
#: Seconds a Dask map waits with no worker in the cluster before it stops (exit 2).
WORKER_TIMEOUT_S = 60.0


def _watch_parent(parent: int) -> None:
    """In a worker process: exit when the parent has gone (even killed with SIGKILL), and
    take SIGTERM's default (a forked worker inherits the command's handler, which would
    print a traceback from every worker when a scheduler stops the process group)."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)

    def watch() -> None:
        while True:
            time.sleep(0.5)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, name="hoplon-parent-watch", daemon=True).start()


def _worker_versions() -> tuple[str, str]:
    import numpy

    from hoplon._version import __version__ as version

    return version, numpy.__version__


def _check_cluster(client: Any, address: str) -> None:
    """Refuse a cluster whose workers run another Hoplon or numpy version."""
    import numpy

    want = (__version__, numpy.__version__)
    versions = client.run(_worker_versions)
    wrong = {w: tuple(v) for w, v in versions.items() if tuple(v) != want}
    if wrong:
        worker, (hv, nv) = next(iter(wrong.items()))
        raise InputError.single(
            f"the worker {worker} runs hoplon {hv} with numpy {nv}; this machine runs hoplon "
            f"{want[0]} with numpy {want[1]}; results would not be comparable. Install the "
            "same versions on every worker",
            field=f"cluster {address}",
        )


#: Dask transports a cluster can be reached over (``inproc`` is within one process only,
#: ``ucx`` needs an optional library); ``tls``/``wss`` also need certificates.
CLUSTER_SCHEMES = ("tcp", "tls", "ws", "wss")
_CLUSTER_HELP = (
    "expected a scheduler address such as tcp://10.0.0.5:8786 "
    f"(accepted transports: {', '.join(s + '://' for s in CLUSTER_SCHEMES)})"
)
_ADDRESS = re.compile(
    r"(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*)://(?P<host>\[[0-9A-Fa-f:.]+\]|[^\s/:\[\]@]+)"
    r":(?P<port>\d{1,6})/?"
)
_TLS_KEYS = ("ca-file", "client.cert", "client.key")


def check_cluster_address(address: str) -> None:
    """Refuse a ``--cluster`` address Dask could not connect to, before trying.

    Raises:
        InputError: not ``SCHEME://HOST:PORT``; a transport that cannot reach a cluster
            (``inproc``, ``ucx``, unknown); a port outside 1..65535; ``tls``/``wss``
            without the certificates set in the Dask configuration.
    """
    field = f"cluster {address}"
    match = _ADDRESS.fullmatch(address.strip())
    if match is None:
        raise InputError.single(_CLUSTER_HELP, field=field)
    scheme = match["scheme"]
    if scheme.lower() in CLUSTER_SCHEMES and scheme not in CLUSTER_SCHEMES:
        raise InputError.single(
            f"write the transport in lower case: {scheme.lower()}://; {_CLUSTER_HELP}",
            field=field,
        )
    if scheme not in CLUSTER_SCHEMES:
        why = {
            "inproc": "inproc:// reaches only a scheduler inside this same process",
            "ucx": "ucx:// needs the optional ucx-py library",
        }.get(scheme, f"{scheme}:// is not a Dask transport")
        raise InputError.single(f"{why}; {_CLUSTER_HELP}", field=field)
    port = int(match["port"])
    if not 1 <= port <= 65535:
        raise InputError.single(f"port {port} is outside 1..65535; {_CLUSTER_HELP}", field=field)
    if scheme in ("tls", "wss"):
        import dask.config

        missing = [k for k in _TLS_KEYS if not dask.config.get(f"distributed.comm.tls.{k}", None)]
        if missing:
            names = ", ".join(f"distributed.comm.tls.{k}" for k in missing)
            raise InputError.single(
                f"{scheme}:// needs certificates, and the Dask configuration does not set {names} "
                "(set them in ~/.config/dask/*.yaml or as DASK_DISTRIBUTED__COMM__TLS__... "
                "environment variables), or use tcp://",
                field=field,
            )


def connect_cluster(address: str, timeout_s: float = 10.0) -> Any:
    """A ``dask.distributed.Client`` connected to the scheduler at ``address``.

    Raises:
        InputError: the address is malformed or no scheduler answers there.
    """
    check_cluster_address(address)
    try:
        from dask.distributed import Client
    except ImportError:  # pragma: no cover - dask is a dependency
        raise InputError.single(
            "dask.distributed is not installed; pip install 'dask[distributed]'",
            field="cluster",
        ) from None
    try:
        client = Client(address, timeout=timeout_s, set_as_default=False)
    except (ValueError, TypeError) as exc:  # refused by Dask's own checks of the address
        raise InputError.single(
            f"Dask cannot connect to this address ({exc}); {_CLUSTER_HELP}",
            field=f"cluster {address}",
        ) from None
    except (OSError, TimeoutError) as exc:
        raise InputError.single(
            f"no Dask scheduler answered at {address} within {timeout_s:g} s ({exc}); "
            "start one with `dask scheduler` and workers with `dask worker ADDRESS`",
            field="cluster",
        ) from None
    try:
        _check_cluster(client, address)
    except BaseException:
        client.close()
        raise
    return client


def map_points(
    fn: Callable[[T], R],
    items: Sequence[T],
    workers: int = 1,
    cluster: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> Iterator[tuple[int, R]]:
    """Apply ``fn`` to every item, yielding ``(index, fn(items[index]))`` as each finishes.

    Args:
        fn: a module-level function (it is pickled by reference); it should be
            deterministic, so that where it runs does not change the answer.
        items: its arguments, picklable.
        workers: local processes (1 runs in this process). Ignored with ``cluster``.
        cluster: a Dask scheduler address (``tcp://HOST:PORT``): one task per item.
        progress: called with 1 each time an item finishes.

    Results come in the order items finish, not the order given; the index says which.
    When the caller stops early (or raises), the remaining work is cancelled.
    """
    if workers > MAX_WORKERS:
        raise InputError.single(
            f"at most {MAX_WORKERS} processes (got {workers}); more than the cores only "
            "adds memory",
            field="workers",
        )
    if not items:
        return
    if cluster is not None:
        yield from _map_dask(fn, items, cluster, progress)
        return
    yield from _map_local(fn, items, 1 if len(items) == 1 else min(workers, len(items)), progress)


def map_stream(
    fn: Callable[[T], R],
    items: Iterable[T],
    workers: int = 1,
    cluster: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> Iterator[tuple[int, R]]:
    """:func:`map_points` over items that are still being produced: each item is sent
    to a worker as soon as the iterable gives it, so that the work that makes the items
    (pricing a trade's architectures, say) overlaps the work on them, and the workers
    start while the rest are made. Finished items are yielded between two items given,
    without waiting, and then as they finish.

    With a Dask ``cluster`` the items are gathered first (one task each, as in
    :func:`map_points`); with one process each item is run as soon as it is given.
    """
    if workers > MAX_WORKERS or cluster is not None:
        yield from map_points(fn, list(items), workers, cluster, progress)
        return
    yield from _map_local(fn, items, workers, progress)


def _map_local(
    fn: Callable[[T], R],
    items: Iterable[T],
    workers: int,
    progress: Callable[[int], None] | None,
) -> Iterator[tuple[int, R]]:
    """``fn`` over ``items`` in this process (``workers`` <= 1) or in ``workers`` local
    processes, each item submitted as the iterable gives it; ``(index, value)`` as each
    finishes (those finished together in index order)."""
    if workers <= 1:
        for i, item in enumerate(items):
            value = fn(item)
            if progress:
                progress(1)
            yield i, value
        return
    from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait

    pool: ProcessPoolExecutor | None = None
    pending: dict[Future[R], int] = {}

    def finished(done: Iterable[Future[R]]) -> Iterator[tuple[int, R]]:
        for fut in sorted(done, key=lambda f: pending[f]):
            i = pending.pop(fut)
            value = fut.result()
            if progress:
                progress(1)
            yield i, value

    try:
        for i, item in enumerate(items):
            if pool is None:
                pool = ProcessPoolExecutor(
                    max_workers=workers, initializer=_watch_parent, initargs=(os.getpid(),)
                )
            pending[pool.submit(fn, item)] = i
            yield from finished([f for f in pending if f.done()])
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            yield from finished(done)
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)


def _n_workers(client: Any) -> int:
    """Workers the scheduler knows now (0 when it cannot be asked)."""
    try:
        return len(client.scheduler_info(n_workers=-1).get("workers", {}))
    except TypeError:  # pragma: no cover - older distributed without n_workers
        return len(client.scheduler_info().get("workers", {}))
    except Exception:
        return 0


def _map_dask(
    fn: Callable[[T], R],
    items: Sequence[T],
    address: str,
    progress: Callable[[int], None] | None,
    *,
    worker_timeout_s: float | None = None,
    poll_s: float = 1.0,
) -> Iterator[tuple[int, R]]:
    """Items as Dask tasks; stops with exit code 2 when the cluster has had no worker for
    ``worker_timeout_s`` (default :data:`WORKER_TIMEOUT_S`)."""
    from dask.distributed import as_completed

    if worker_timeout_s is None:
        worker_timeout_s = WORKER_TIMEOUT_S
    client = connect_cluster(address)
    futures: list[Any] = []
    try:
        futures = [client.submit(fn, item, pure=False) for item in items]
        index = {fut.key: i for i, fut in enumerate(futures)}
        arriving = as_completed(futures, loop=client.loop)
        finished = 0
        checked = time.monotonic()
        alone_since: float | None = None  # when the cluster was first seen without workers
        while not arriving.is_empty():
            batch = arriving.next_batch(block=False) if arriving.has_ready() else []
            for fut in sorted(batch, key=lambda f: index[f.key]):
                value = fut.result()
                finished += 1
                if progress:
                    progress(1)
                yield index[fut.key], value
            if batch:
                alone_since = None
                continue
            time.sleep(0.02)
            now = time.monotonic()
            if now - checked < poll_s:
                continue
            checked = now
            if _n_workers(client) > 0:
                alone_since = None
            elif alone_since is None:
                alone_since = now
            elif now - alone_since >= worker_timeout_s:
                raise InputError.single(
                    f"the Dask cluster has had no worker for {worker_timeout_s:g} s; "
                    f"{finished} of {len(items)} points finished (a sweep has stored them); "
                    f"start workers (`dask worker {address}`) and run again with --resume",
                    field=f"cluster {address}",
                )
    finally:
        if futures:
            client.cancel(futures)
        client.close()
