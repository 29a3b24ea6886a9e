"""Section 4: process start-up time to the first poll, and peak RSS.

`python -m bot` is spawned with TELEGRAM_BOT_TOKEN, BOT_API_BASE_URL and DATA_DIR
pointing at a TimedFakeBotAPI in this process (and a temporary working directory,
so no stray .env is read). Start-up = spawn to the server seeing the first
getUpdates (after getMe, setMyCommands and deleteWebhook). The bot then answers
some messages from several users; its VmHWM (peak RSS) and VmRSS are read from
/proc/<pid>/status, then SIGTERM stops it (exit status 0 expected).

References: `python -m bot ask hi` (the console-less CLI path: load faq.yaml,
build the Brain, answer one message, exit) and `python -c pass` (the interpreter
alone): wall time from spawn to exit, and VmHWM read by the process itself just
before it exits (`ask hi` runs through runpy.run_module("bot"), which is what
`-m` does). wait4()'s ru_maxrss is no use here: Linux carries the parent's peak
over into a vfork()ed child at exec, so it reports the benchmark's own size.
"""

from __future__ import annotations

import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.messages import ROOT, Message, stream
from bench.timed_server import TimedFakeBotAPI

FIRST_USER_ID = 900_000
START_TIMEOUT_S = 60.0
KB = 1024
MIB = 1024 * 1024


@dataclass(frozen=True)
class StartupFigures:
    runs: int
    first_poll_s: list[float]
    vm_hwm_mib: float  # peak RSS of the bot after handling `messages`
    vm_rss_mib: float
    messages: int
    exit_code: int
    ask_s: list[float]
    ask_maxrss_mib: float
    python_s: list[float]
    python_maxrss_mib: float

    @property
    def first_poll_median_s(self) -> float:
        return statistics.median(self.first_poll_s)

    @property
    def ask_median_s(self) -> float:
        return statistics.median(self.ask_s)

    @property
    def python_median_s(self) -> float:
        return statistics.median(self.python_s)

    def as_dict(self) -> dict[str, Any]:
        out = dict(self.__dict__)
        out["first_poll_median_s"] = self.first_poll_median_s
        out["ask_median_s"] = self.ask_median_s
        out["python_median_s"] = self.python_median_s
        return out


def _clean_env(**extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"TELEGRAM_BOT_TOKEN", "BOT_API_BASE_URL", "DATA_DIR", "FAQ_PATH"}
    }
    env["PYTHONPATH"] = str(ROOT)  # the bot package even without an editable install
    env.update(extra)
    return env


def _status_kb(pid: int, field: str) -> int:
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def _wait4(proc: subprocess.Popen[bytes], timeout: float) -> int:
    """Exit code of a child, killed after `timeout` seconds."""
    try:
        return proc.wait(timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        return proc.wait()


# Runs `python -m <module> args...` in-process (module "-": nothing, the bare
# interpreter), then reports this process's VmHWM on stderr.
PEAK_WRAPPER = """
import runpy, sys
module, sys.argv = sys.argv[1], sys.argv[1:]
code = 0
try:
    if module != "-":
        runpy.run_module(module, run_name="__main__", alter_sys=True)
except SystemExit as stop:
    code = stop.code if isinstance(stop.code, int) else 1
with open("/proc/self/status", encoding="ascii") as status:
    peak = [line.split()[1] for line in status if line.startswith("VmHWM:")]
sys.stderr.write(f"\\nVmHWM-kB {peak[0]}\\n")
sys.exit(code)
"""


def _timed_child(args: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, int]:
    """Wall time (spawn to exit) and VmHWM (kB) of `python -c PEAK_WRAPPER args...`."""
    start = time.perf_counter()
    done = subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", PEAK_WRAPPER, *args],
        cwd=cwd,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        timeout=START_TIMEOUT_S,
        check=False,
    )
    elapsed = time.perf_counter() - start
    err = done.stderr.decode(errors="replace")
    if done.returncode != 0:
        raise RuntimeError(f"python -m {' '.join(args)} exited with {done.returncode}:\n{err}")
    peak = [line.split()[1] for line in err.splitlines() if line.startswith("VmHWM-kB ")]
    return elapsed, int(peak[-1]) if peak else 0


def _bot_run(
    tmp: Path, mix: list[Message], messages: int, users: int, measure_memory: bool
) -> tuple[float, float, float, int]:
    texts = stream(mix, messages)
    server = TimedFakeBotAPI()
    server.start()
    stderr_path = tmp / "bot-stderr.txt"
    try:
        env = _clean_env(
            TELEGRAM_BOT_TOKEN=server.token,
            BOT_API_BASE_URL=server.base_url,
            DATA_DIR=str(tmp / "data"),
            LOG_LEVEL="INFO",
        )
        with stderr_path.open("wb") as stderr:
            start = time.perf_counter()
            proc = subprocess.Popen(
                [sys.executable, "-m", "bot"],
                cwd=tmp,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=stderr,
            )
            try:
                server.wait_until(
                    lambda: server.first_poll_at is not None or proc.poll() is not None,
                    timeout=START_TIMEOUT_S,
                    message="the bot never polled",
                )
                if server.first_poll_at is None:
                    raise RuntimeError(
                        f"the bot exited with {proc.returncode}:\n"
                        + stderr_path.read_text(errors="replace")
                    )
                first_poll = server.first_poll_at - start
                hwm = rss = 0.0
                if measure_memory:
                    for i in range(messages):
                        server.send_message(texts[i], user_id=FIRST_USER_ID + i % users)
                    server.wait_until(lambda: server.replies >= messages, timeout=60.0)
                    hwm = _status_kb(proc.pid, "VmHWM") * KB / MIB
                    rss = _status_kb(proc.pid, "VmRSS") * KB / MIB
            finally:
                if proc.poll() is None:
                    proc.send_signal(signal.SIGTERM)
                code = _wait4(proc, 30.0)
        return first_poll, hwm, rss, code
    finally:
        server.stop()


def run_startup(mix: list[Message], runs: int, messages: int, users: int) -> StartupFigures:
    first_polls: list[float] = []
    hwm = rss = 0.0
    code = 0
    ask_times: list[float] = []
    ask_rss = 0
    python_times: list[float] = []
    python_rss = 0
    with tempfile.TemporaryDirectory(prefix="bench-startup-") as name:
        tmp = Path(name)
        for i in range(runs):
            run_dir = tmp / f"run{i}"
            run_dir.mkdir()
            last = i == runs - 1
            first_poll, h, r, c = _bot_run(run_dir, mix, messages, users, measure_memory=last)
            first_polls.append(first_poll)
            if last:
                hwm, rss, code = h, r, c
            elapsed, maxrss = _timed_child(["bot", "ask", "hi"], tmp, _clean_env())
            ask_times.append(elapsed)
            ask_rss = max(ask_rss, maxrss)
            elapsed, maxrss = _timed_child(["-"], tmp, _clean_env())
            python_times.append(elapsed)
            python_rss = max(python_rss, maxrss)
    return StartupFigures(
        runs=runs,
        first_poll_s=first_polls,
        vm_hwm_mib=hwm,
        vm_rss_mib=rss,
        messages=messages,
        exit_code=code,
        ask_s=ask_times,
        ask_maxrss_mib=ask_rss * KB / MIB,
        python_s=python_times,
        python_maxrss_mib=python_rss * KB / MIB,
    )
