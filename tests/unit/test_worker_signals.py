"""Worker processes take SIGTERM's default: a forked worker inherits the command's
handler (which turns SIGTERM into KeyboardInterrupt for a clean stop), and every idle
worker of a stopped process group then printed a traceback."""

from __future__ import annotations

import os
import signal

from hoplon.core import runner
from hoplon.execute import _watch_parent


def test_the_worker_initialisers_restore_sigterm_s_default() -> None:
    def handler(signum: int, frame: object) -> None:  # pragma: no cover - never sent
        raise KeyboardInterrupt

    before = signal.getsignal(signal.SIGTERM)
    try:
        signal.signal(signal.SIGTERM, handler)
        _watch_parent(os.getppid())  # (its watch thread only acts if the parent goes)
        assert signal.getsignal(signal.SIGTERM) == signal.SIG_DFL
        signal.signal(signal.SIGTERM, handler)
        runner._init_pool_worker(runner._JOB)  # type: ignore[arg-type]
        assert signal.getsignal(signal.SIGTERM) == signal.SIG_DFL
        # a run in the calling process (one worker, or a Dask worker's thread) leaves
        # the handler alone: it is the command's, and a thread may not set one
        signal.signal(signal.SIGTERM, handler)
        runner._init_worker(runner._JOB)  # type: ignore[arg-type]
        assert signal.getsignal(signal.SIGTERM) is handler
    finally:
        signal.signal(signal.SIGTERM, before)
