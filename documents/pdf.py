"""Word documents as PDF, converted by LibreOffice headless (`soffice --convert-to pdf`), so a
phone shows them without an office app.

Each converter keeps its own LibreOffice profiles (`-env:UserInstallation`): two soffice runs
on one profile make the second hand its work to the first or fail. It runs at most `parallel`
conversions at once, one per profile, each in a fresh folder removed afterwards, and kills the
whole process group of a conversion that overruns its timeout. Results are kept by the SHA-256
of the Word bytes, so a document sent to ten people is converted once; a failure is kept too,
since the same bytes would fail again."""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import queue
import shutil
import signal
import subprocess
import tempfile
import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import Final

log = logging.getLogger(__name__)

PROGRAMS: Final = ("soffice", "libreoffice")
"""The names LibreOffice's program goes by on PATH."""
DOCX_MIME: Final = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF_MIME: Final = "application/pdf"
_SOURCE: Final = "document.docx"
FONTS: Final = Path(__file__).with_name("fonts.conf")


class PdfError(Exception):
    """A Word document could not be converted to PDF."""


def find_soffice(program: str | None = None) -> str | None:
    """The LibreOffice program to run: `program` (a path, or a name looked up on PATH) when
    given, else `soffice` or `libreoffice` from PATH; None when there is none."""
    for name in (program,) if program else PROGRAMS:
        found = shutil.which(name)
        if found is not None:
            return found
    return None


def is_word(filename: str, mime_type: str) -> bool:
    """Whether a file is a Word (.docx) document."""
    return mime_type == DOCX_MIME or filename.lower().endswith(".docx")


def pdf_name(filename: str) -> str:
    """The PDF copy's file name: the Word document's, with `.pdf` for `.docx`."""
    stem, dot, suffix = filename.rpartition(".")
    return f"{stem}.pdf" if dot and suffix.lower() == "docx" else f"{filename}.pdf"


class PdfConverter:
    """Converts Word documents to PDF with one LibreOffice program, safe to call from several
    threads at once."""

    def __init__(
        self,
        program: str,
        *,
        timeout: float = 60.0,
        parallel: int = 2,
        cache_size: int = 32,
    ) -> None:
        if parallel < 1 or cache_size < 1:
            raise ValueError("parallel and cache_size must be at least 1")
        self.program = program
        self.timeout = timeout
        self.parallel = parallel
        self.cache_size = cache_size
        self.conversions = 0  # runs of LibreOffice, successful or not
        self._lock = threading.Lock()
        self._done: OrderedDict[str, bytes | PdfError] = OrderedDict()
        self._pending: dict[str, Future[bytes]] = {}
        self._profiles: queue.SimpleQueue[Path] | None = None
        self._root: Path | None = None
        self._cleanup: Callable[[], object] | None = None

    def convert(self, docx: bytes) -> bytes:
        """The PDF of a Word document; PdfError when LibreOffice cannot make it. Blocks for as
        long as the conversion takes (seconds): call it off the event loop."""
        key = hashlib.sha256(docx).hexdigest()
        with self._lock:
            done = self._done.get(key)
            if done is not None:
                self._done.move_to_end(key)
            pending = self._pending.get(key)
            first = done is None and pending is None
            if first:
                pending = self._pending[key] = Future()
        if done is not None:
            if isinstance(done, PdfError):
                raise done
            return done
        assert pending is not None
        if not first:  # the same bytes are being converted for someone else
            return pending.result()
        try:
            result: bytes | PdfError = self._convert(docx)
        except PdfError as exc:
            result = exc
        except BaseException as exc:  # not kept: an interruption says nothing of the bytes
            with self._lock:
                del self._pending[key]
            pending.set_exception(exc)
            raise
        with self._lock:
            del self._pending[key]
            self._done[key] = result
            while len(self._done) > self.cache_size:
                self._done.popitem(last=False)
        if isinstance(result, PdfError):
            pending.set_exception(result)
            raise result
        pending.set_result(result)
        return result

    def forget(self) -> None:
        """Forget the conversions kept, so that the next of the same bytes runs LibreOffice
        again (the benchmark times LibreOffice, not the cache)."""
        with self._lock:
            self._done.clear()

    def close(self) -> None:
        """Remove the converter's profiles and folders (also done when it is collected, or at
        exit)."""
        if self._cleanup is not None:
            self._cleanup()

    def _convert(self, docx: bytes) -> bytes:
        profiles = self._profiles_queue()
        profile = profiles.get()  # at most `parallel` conversions at once, one per profile
        try:
            assert self._root is not None
            job = Path(tempfile.mkdtemp(prefix="job-", dir=self._root))
            try:
                return self._run(profile, job, docx)
            finally:
                shutil.rmtree(job, ignore_errors=True)
        finally:
            profiles.put(profile)

    def _run(self, profile: Path, job: Path, docx: bytes) -> bytes:
        source = job / _SOURCE
        source.write_bytes(docx)
        command = [
            self.program,
            "--headless",
            "--invisible",
            "--nologo",
            "--nodefault",
            "--norestore",
            "--nolockcheck",
            f"-env:UserInstallation={profile.as_uri()}",
            "--convert-to",
            "pdf",
            "--outdir",
            str(job),
            str(source),
        ]
        with self._lock:
            self.conversions += 1
        try:
            # A session of its own, so that a timeout kills soffice.bin with its wrapper.
            process = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                cwd=job,
                env=_environment(),
                start_new_session=True,
            )
        except OSError as exc:
            raise PdfError(f"{self.program} could not be started: {exc}") from exc
        try:
            _, stderr = process.communicate(timeout=self.timeout)
        except subprocess.TimeoutExpired:
            _kill_group(process)
            process.communicate()
            raise PdfError(f"LibreOffice took longer than {self.timeout:g} s") from None
        finally:
            _kill_group(process)  # anything it left running
        produced = job / f"{source.stem}.pdf"
        if not produced.is_file():
            detail = stderr.decode("utf-8", "replace").strip()[-500:]
            raise PdfError(f"LibreOffice made no PDF (exit {process.returncode}): {detail}")
        pdf = produced.read_bytes()
        if not pdf.startswith(b"%PDF"):
            raise PdfError("LibreOffice wrote something that is not a PDF")
        return pdf

    def _profiles_queue(self) -> queue.SimpleQueue[Path]:
        with self._lock:
            if self._profiles is None:
                root = Path(tempfile.mkdtemp(prefix="zhaoshang-pdf-"))
                self._root = root
                self._cleanup = weakref.finalize(self, shutil.rmtree, str(root), True)
                self._profiles = queue.SimpleQueue()
                for n in range(self.parallel):
                    self._profiles.put(root / f"profile-{n}")
            return self._profiles


def _environment() -> dict[str, str]:
    """The conversion's environment: ours, with the fonts of `fonts.conf` (仿宋 and 宋体 drawn
    in Noto Serif CJK where the server lacks them) unless the deployer set their own."""
    env = dict(os.environ)
    if FONTS.is_file():
        env.setdefault("FONTCONFIG_FILE", str(FONTS))
    return env


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
