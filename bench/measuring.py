"""Measuring a method in a forked child process, so that its time and memory are its own.

Time is wall time inside the child. Memory is the growth of the child's resident set over the
method: the kernel's high-water mark (``VmHWM``) is reset through ``/proc/self/clear_refs`` before
the method and read after it. The process peak is the child's whole high-water mark.
"""

from __future__ import annotations

import gc
import multiprocessing
import resource
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any


def status_mib(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"{field} not in /proc/self/status")


def reset_peak() -> bool:
    """Set the kernel's high-water mark (VmHWM) back to the current resident set."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def peak_mib(reset: bool) -> float:
    """The high-water mark since the reset; without one, since the process began (an overestimate)."""
    return status_mib("VmHWM") if reset else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _child(work: Callable[[], Any], pipe: Any) -> None:
    try:
        gc.collect()
        reset = reset_peak()
        before = status_mib("VmRSS")
        started = time.perf_counter()
        result = work()
        seconds = time.perf_counter() - started
        peak = peak_mib(reset)
        pipe.send(("ok", result, seconds, peak - before, peak))
    except BaseException:  # the parent reports it
        pipe.send(("error", traceback.format_exc(), 0.0, 0.0, 0.0))
    finally:
        pipe.close()


class MethodFailed(Exception):
    """A measured method ran out of time, raised, or its process died."""


def measured(work: Callable[[], Any], timeout: float | None = None) -> tuple[Any, float, float, float]:
    """Run ``work`` in a forked child: its result, seconds, memory growth and process peak in MiB."""
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(work, send))
    child.start()
    send.close()
    try:
        if not receive.poll(timeout):
            child.kill()
            raise MethodFailed(f"stopped after {timeout:.0f} s without an answer")
        outcome, result, seconds, growth, peak = receive.recv()
    except EOFError:
        raise MethodFailed("its process died (out of memory?)") from None
    finally:
        child.join()
        receive.close()
    if outcome != "ok":
        raise MethodFailed(result)
    return result, seconds, growth, peak


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]
