"""Crash points for the crash-safety proofs: code that writes in a transaction calls `maybe_crash("name")`
half-way through; a test process started with YINGSHANG_CRASH_AT=name is killed there with SIGKILL (no
cleanup, no rollback by Python), and the test checks the database is as it was before. Unset (always, outside
those tests) it costs one dictionary lookup."""

import os
import signal


def maybe_crash(point: str) -> None:
    if os.environ.get("YINGSHANG_CRASH_AT") == point:
        os.kill(os.getpid(), signal.SIGKILL)
