"""Seconds per build stage (parse, records, charts, render, write, search), for the build summary
and benchmarks/bench.py. Cheap enough to be always on: one perf_counter pair per stage."""

from __future__ import annotations

import time
from contextlib import contextmanager

STAGES = ("scan", "parse", "records", "charts", "render", "write", "search", "commit")


class Timings:
    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.started = time.perf_counter()

    @contextmanager
    def stage(self, name: str):
        t0 = time.perf_counter()
        try:
            yield
        finally:
            self.add(name, time.perf_counter() - t0)

    def add(self, name: str, seconds: float) -> None:
        self.seconds[name] = self.seconds.get(name, 0.0) + seconds

    def total(self) -> float:
        return time.perf_counter() - self.started

    def line(self) -> str:
        parts = [f"{name} {self.seconds[name]:.2f}s" for name in STAGES if name in self.seconds]
        return ", ".join(parts)
