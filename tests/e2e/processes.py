"""Child processes of the end-to-end and browser tests: each one's output collected as it
comes, and stopped by its process id."""

from __future__ import annotations

import os
import queue
import signal
import socket
import subprocess
import threading
import time
from pathlib import Path


def free_port() -> int:
    """A port nobody listens on, on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Process:
    """A child process whose output lines are collected as they come; stopped by its pid."""

    def __init__(self, args: list[str], env: dict[str, str], cwd: Path) -> None:
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        self.proc = subprocess.Popen(
            args,
            env=env,
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        threading.Thread(target=self._read, daemon=True).start()

    @property
    def pid(self) -> int:
        return self.proc.pid

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put(line)

    def line(self, text: str, timeout: float = 30.0) -> str:
        """The next line of output that holds `text` (the lines before it are in `seen`)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.1)
            except queue.Empty:
                if self.proc.poll() is not None:
                    break
                continue
            self.seen.append(line)
            if text in line:
                return line.rstrip("\n")
        raise AssertionError(f"no line {text!r} from {self.proc.args!r}:\n{self.output()}")

    def output(self) -> str:
        """What the process printed so far."""
        while not self.lines.empty():
            self.seen.append(self.lines.get_nowait())
        return "".join(self.seen)[-4000:]

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 20.0) -> int:
        """Signal the process by its pid and wait for it (killed if it does not end)."""
        if self.proc.poll() is None:
            os.kill(self.proc.pid, sig)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.kill(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        return self.proc.returncode
