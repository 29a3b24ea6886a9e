"""A description of the machine and software the figures were measured on."""

from __future__ import annotations

import hashlib
import os
import platform
import sys
import time
from dataclasses import asdict, dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

PACKAGES = ("rapidfuzz", "python-telegram-bot", "aiohttp", "httpx", "PyYAML", "snowballstemmer")


@dataclass(frozen=True)
class Machine:
    cpu: str
    logical_cores: int
    usable_cores: int
    memory_gib: float
    python: str
    system: str
    packages: dict[str, str]

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory_gib() -> float:
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            for line in meminfo:
                if line.startswith("MemTotal:"):
                    return int(line.split()[1]) / (1024 * 1024)
    except OSError:
        pass
    return 0.0


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def describe() -> Machine:
    return Machine(
        cpu=_cpu_model(),
        logical_cores=os.cpu_count() or 0,
        usable_cores=len(os.sched_getaffinity(0)),
        memory_gib=_memory_gib(),
        python=f"{platform.python_implementation()} {sys.version.split()[0]}",
        system=f"{platform.system()} {platform.release()} {platform.machine()}",
        packages={p: _version(p) for p in PACKAGES},
    )


def source_fingerprint(root: Path) -> tuple[str, str]:
    """sha256 (12 hex digits) of bot/**/*.py and faq.yaml, and the newest file's time:
    which version of the code the figures belong to (the project has no version tag)."""
    files = sorted([*root.joinpath("bot").rglob("*.py"), root / "faq.yaml"])
    digest = hashlib.sha256()
    newest = 0.0
    for path in files:
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
        newest = max(newest, path.stat().st_mtime)
    return digest.hexdigest()[:12], time.strftime("%Y-%m-%d %H:%M", time.localtime(newest))


@dataclass(frozen=True)
class Load:
    """CPU used on the machine by processes other than this one and its children."""

    wall_s: float
    other_cores: float  # average number of cores busy with other processes
    steal_cores: float  # taken by the hypervisor

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def describe(self) -> str:
        text = f"other processes used {self.other_cores:.2f} cores on average"
        if self.steal_cores >= 0.01:
            text += f", hypervisor steal {self.steal_cores:.2f} cores"
        if self.other_cores > NOISY_CORES:
            text += " - NOISY: figures may be pessimistic"
        return text


NOISY_CORES = 0.15


def _cpu_seconds() -> tuple[float, float, float]:
    """(this process and its reaped children, whole machine busy, steal) in CPU seconds."""
    own = os.times()
    mine = own.user + own.system + own.children_user + own.children_system
    hz = os.sysconf("SC_CLK_TCK")
    try:
        with open("/proc/stat", encoding="ascii") as stat:
            fields = [int(v) for v in stat.readline().split()[1:9]]
    except OSError:
        return mine, mine, 0.0
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields
    return mine, (user + nice + system + irq + softirq) / hz, steal / hz


def listen_overflows() -> int:
    """The kernel's count of connections dropped because a listen backlog was full."""
    try:
        with open("/proc/net/netstat", encoding="ascii") as netstat:
            lines = netstat.read().splitlines()
    except OSError:
        return 0
    for names, values in zip(lines[::2], lines[1::2], strict=False):
        if names.startswith("TcpExt:"):
            table = dict(zip(names.split()[1:], values.split()[1:], strict=False))
            return int(table.get("ListenOverflows", 0))
    return 0


class LoadMeter:
    """Measures the background load during a section (children must be reaped by then)."""

    def __init__(self) -> None:
        self._wall = time.perf_counter()
        self._mine, self._busy, self._steal = _cpu_seconds()

    def stop(self) -> Load:
        wall = time.perf_counter() - self._wall
        mine, busy, steal = _cpu_seconds()
        other = max(0.0, (busy - self._busy) - (mine - self._mine))
        return Load(wall, other / wall if wall > 0 else 0.0, (steal - self._steal) / wall)
