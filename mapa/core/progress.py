"""A small progress reporter for long commands (imports, benchmarks, exports).

On a terminal it redraws one line; in logs and CI it prints a line at each
10 % step, so progress is visible without flooding the output.
"""

from __future__ import annotations

import sys
from typing import TextIO


class Progress:
    def __init__(self, total: int, label: str, stream: TextIO | None = None) -> None:
        self.total = max(total, 0)
        self.label = label
        self.stream = stream or sys.stderr
        self.done = 0
        self._last_decile = -1
        self._tty = self.stream.isatty()

    def advance(self, note: str = "", *, count: int = 1) -> None:
        """``count`` more items done (a streamed export reports a chunk's worth at once)."""
        self.done += count
        pct = 100 if not self.total else int(self.done * 100 / self.total)
        line = f"{self.label}: {self.done}/{self.total} ({pct}%)"
        if self._tty:
            self.stream.write(f"\r{line} {note[:40]:<40}")
            if self.done >= self.total:
                self.stream.write("\n")
        elif pct // 10 != self._last_decile or self.done == self.total:
            self._last_decile = pct // 10
            self.stream.write(line + "\n")
        self.stream.flush()
