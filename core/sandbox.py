"""Run one function in a forked child process with hard CPU-time and memory limits, because
SymPy cannot be interrupted from inside the process that runs it.

The child is a plain ``os.fork()`` (no ``multiprocessing`` machinery that could touch locks
other threads of a Streamlit server held at fork time): it lowers its priority, sets
``RLIMIT_CPU`` and ``RLIMIT_AS``, calls the function, pickles the result (or the exception it
raised) into a pipe and leaves with ``os._exit``. The kernel kills it when its CPU time runs
out; the parent only waits, and kills it after ``wall_seconds`` if it never got the CPU.

Where ``os.fork`` does not exist (Windows) the function runs in-process, without limits.

>>> call_limited(pow, 2, 10)
1024
"""

from __future__ import annotations

import contextlib
import os
import pickle
import select
import signal
import threading
import time
from collections.abc import Callable
from typing import Any

try:
    import resource
except ImportError:  # pragma: no cover - not on Linux
    resource = None  # type: ignore[assignment]

__all__ = ["CAN_FORK", "Busy", "OverBudget", "call_limited", "reaped_seconds"]

CAN_FORK = hasattr(os, "fork") and resource is not None
CPU_SECONDS = 1  # RLIMIT_CPU of the child (whole seconds, the kernel's granularity)
MEMORY_BYTES = 512 << 20  # address space the child may add to what it inherits
WALL_SECONDS = 30.0  # how long the parent waits for a child that is starved of CPU
NICE = 10  # the child yields to the server's own threads


class OverBudget(Exception):
    """The child used up its CPU time or memory (it was killed, or raised ``MemoryError``)."""


class Busy(Exception):
    """The child did not finish within the wall-clock limit: the machine is too busy, not the input too hard."""


def call_limited(
    fn: Callable[..., Any],
    *args: Any,
    cpu_seconds: int = CPU_SECONDS,
    memory_bytes: int = MEMORY_BYTES,
    wall_seconds: float = WALL_SECONDS,
) -> Any:
    """``fn(*args)`` computed in a child limited to ``cpu_seconds`` of CPU; its exceptions are re-raised here.

    ``fn``'s result and exceptions must pickle. Raises ``OverBudget`` when the child ran out of CPU
    time or memory and ``Busy`` when it was still running after ``wall_seconds``.
    """
    if not CAN_FORK:
        return fn(*args)
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # child: never returns
        os.close(read_fd)
        _child(write_fd, fn, args, cpu_seconds, memory_bytes)
    os.close(write_fd)
    try:
        data = _read_all(read_fd, time.monotonic() + wall_seconds)
    finally:
        os.close(read_fd)
    if data is None:
        _kill(pid)
        raise Busy(f"no answer within {wall_seconds:g} s")
    status = _reap(pid)
    if os.WIFSIGNALED(status) or not data:
        raise OverBudget(f"the child was stopped (status {status})")
    try:
        kind, value = pickle.loads(data)
    except Exception:
        raise OverBudget("the child's answer was cut off") from None
    if kind == "ok":
        return value
    if isinstance(value, MemoryError):
        raise OverBudget("the child ran out of memory")
    raise value


def _child(write_fd: int, fn: Callable[..., Any], args: tuple, cpu_seconds: int, memory_bytes: int) -> None:
    """Body of the forked child: limits, the call, the pickled answer, ``os._exit`` (no cleanup handlers)."""
    code = 0
    try:
        signal.signal(signal.SIGXCPU, signal.SIG_DFL)
        os.nice(NICE)
        resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
        limit = _address_space() + memory_bytes
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard == resource.RLIM_INFINITY or limit < hard:
            resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
        try:
            answer = ("ok", fn(*args))
        except BaseException as err:
            answer = ("error", err)
        try:
            data = pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL)
        except BaseException:
            data = pickle.dumps(("error", RuntimeError(f"unpicklable answer of type {type(answer[1]).__name__}")))
        view = memoryview(data)
        while view:
            view = view[os.write(write_fd, view) :]
    except BaseException:
        code = 1
    finally:
        os._exit(code)


def _address_space() -> int:
    """Virtual memory size of this process in bytes (0 where ``/proc`` is missing)."""
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _read_all(fd: int, deadline: float) -> bytes | None:
    """Everything written to ``fd`` until end-of-file, or ``None`` if ``deadline`` passes first."""
    chunks: list[bytes] = []
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return None
        ready, _, _ = select.select([fd], [], [], remaining)
        if not ready:
            return None
        chunk = os.read(fd, 1 << 16)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


_REAPED = threading.local()  # CPU-seconds of the children each thread has waited for


def reaped_seconds() -> float:
    """CPU-seconds of every child this thread has waited for so far (a page counts its formula checks with it)."""
    return getattr(_REAPED, "seconds", 0.0)


def _reap(pid: int) -> int:
    """Wait for the child (so its CPU time is added to this process's children's times, and to this thread's
    ``reaped_seconds``)."""
    while True:
        try:
            _pid, status, usage = os.wait4(pid, 0)
        except InterruptedError:  # pragma: no cover - retried by Python itself since 3.5
            continue
        except ChildProcessError:  # pragma: no cover - already reaped
            return 0
        _REAPED.seconds = reaped_seconds() + usage.ru_utime + usage.ru_stime
        return status


def _kill(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):  # it may have just ended
        os.kill(pid, signal.SIGKILL)
    _reap(pid)
