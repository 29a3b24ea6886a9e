"""Start-up time and peak memory of the bot process.

`python -m bot` is spawned with TELEGRAM_BOT_TOKEN, BOT_API_BASE_URL and DATA_DIR
pointing at the local Bot API server (in this process; the working directory is
a temporary one, so no stray .env is read). Start-up = spawn to the server's
first getUpdates (after getMe, setMyCommands and deleteWebhook), in wall time
and in the bot's CPU time (what start-up costs on a core of its own). Then users send
it messages; peak RSS = its VmHWM (from /proc) after the replies; SIGTERM ends it.
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

from bench.latency import ROOT
from tests.fake_bot_api import FakeBotAPI

FIRST_USER = 900_000
USERS = 20
WAIT_S = 60.0


@dataclass(frozen=True)
class Startup:
    first_poll_s: list[float]  # wall
    first_poll_cpu_s: list[float]  # the bot's CPU time (user + system) until then
    peak_rss_mb: float  # VmHWM, in 10^6 bytes
    messages: int
    exit_code: int

    @property
    def median_s(self) -> float:
        return statistics.median(self.first_poll_s)

    @property
    def median_cpu_s(self) -> float:
        return statistics.median(self.first_poll_cpu_s)


def _cpu_s(pid: int) -> float:
    """User + system CPU time of a running process (/proc/<pid>/stat fields 14, 15)."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
        fields = stat.read().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _peak_rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        kb = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
    return kb * 1024 / 1e6


def _one(tmp: Path, messages: list[str], faq: Path) -> tuple[float, float, float, int]:
    with FakeBotAPI() as server:
        env = {  # the bot's defaults, polling: none of an operator's settings
            k: v
            for k, v in os.environ.items()
            if k not in {"FAQ_PATH", "LOG_LEVEL"} and not k.startswith("WEBHOOK_")
        }
        env.update(
            FAQ_PATH=str(faq),
            TELEGRAM_BOT_TOKEN=server.token,
            BOT_API_BASE_URL=server.base_url,
            DATA_DIR=str(tmp / "data"),
            PYTHONPATH=str(ROOT),
        )
        start = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, "-m", "bot"],
            cwd=tmp,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            server.wait_for_requests("getUpdates", timeout=WAIT_S)
            first_poll, first_poll_cpu = time.perf_counter() - start, _cpu_s(proc.pid)
            for i, text in enumerate(messages):
                server.send_message(text, user_id=FIRST_USER + i % USERS)
            replies = len(messages)
            server.wait_until(lambda: len(server.calls("sendMessage")) >= replies, WAIT_S)
            peak = _peak_rss_mb(proc.pid) if messages else 0.0
        finally:
            proc.send_signal(signal.SIGTERM)
            code = proc.wait(timeout=30)
    return first_poll, first_poll_cpu, peak, code


def run(messages: list[str], runs: int, count: int, faq: Path) -> Startup:
    """`runs` start-ups with the content of `faq`; the last one also answers
    `count` messages."""
    polls: list[float] = []
    cpu: list[float] = []
    peak, code = 0.0, 0
    with tempfile.TemporaryDirectory(prefix="bench-startup-") as name:
        for i in range(runs):
            tmp = Path(name) / f"run{i}"
            tmp.mkdir()
            last = i == runs - 1
            first_poll, first_poll_cpu, p, c = _one(tmp, messages[:count] if last else [], faq)
            polls.append(first_poll)
            cpu.append(first_poll_cpu)
            if last:
                peak, code = p, c
    return Startup(polls, cpu, peak, count, code)
