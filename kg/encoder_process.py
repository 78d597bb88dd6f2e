"""The stance encoder in a process of its own, so that it runs on a second core while spaCy
parses the next articles (spaCy's parse holds the interpreter lock most of the time, so a
thread would mostly wait for it).

The worker is a fresh interpreter (``python -m kg.encoder_process``, never a re-import of the
caller's script) that loads the same encoder as this process
(the weights file the caller's settings name, given on its command line) with one BLAS
thread, the other core being the parser's. It reads pickled encoder inputs (word-piece ids
and ranges) on stdin and writes the class probabilities on stdout; documents stay here.
Jobs wait in this process until the worker has loaded the encoder and is free, so a job it
has not begun can still be cancelled and done by the caller.
"""

from __future__ import annotations

import logging
import pickle
import subprocess
import sys
import threading
from collections import deque
from concurrent.futures import Future
from typing import IO, cast

from kg.settings import Settings, child_environment

log = logging.getLogger(__name__)


class EncoderWorker:
    """One worker process and the queue of jobs waiting for it."""

    def __init__(self, encoder_path: str) -> None:
        env = child_environment(OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
        self._proc = subprocess.Popen(
            [sys.executable, "-m", "kg.encoder_process", encoder_path],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
        )
        # both are pipes (stdin=PIPE, stdout=PIPE), never None
        self._to_worker = cast(IO[bytes], self._proc.stdin)
        self._from_worker = cast(IO[bytes], self._proc.stdout)
        self._lock = threading.Lock()
        self._waiting: deque[tuple[Future, list]] = deque()
        self._current: Future | None = None
        self._ready = False  # jobs wait here until the worker has loaded the encoder
        self._ready_event = threading.Event()
        self._dead: str | None = None
        self.answered = 0  # jobs the worker has done
        threading.Thread(target=self._read, name="kg-encoder-reader", daemon=True).start()

    def submit(self, inputs: list) -> Future:
        job: Future = Future()
        with self._lock:
            if self._dead:
                job.set_exception(RuntimeError(self._dead))
                return job
            self._waiting.append((job, inputs))
            self._send_next()
        return job

    def wait_ready(self, timeout: float | None = None) -> bool:
        """Block until the worker has loaded the encoder (True) or ``timeout`` passes."""
        return self._ready_event.wait(timeout)

    def close(self) -> None:
        """Stop the worker: at once if it is still loading or busy (nobody waits for it then)."""
        with self._lock:
            for job, _ in self._waiting:
                job.cancel()
            self._waiting.clear()
            idle = self._ready and self._current is None
        try:
            self._to_worker.close()
        except OSError:  # the worker is gone already
            pass
        if not idle:
            self._proc.terminate()
        try:
            self._proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()

    def _send_next(self) -> None:  # holding the lock
        while self._ready and self._current is None and self._waiting:
            job, inputs = self._waiting.popleft()
            if not job.set_running_or_notify_cancel():  # the caller took it back
                continue
            try:
                pickle.dump(inputs, self._to_worker, protocol=pickle.HIGHEST_PROTOCOL)
                self._to_worker.flush()
                self._current = job
            except OSError as exc:
                job.set_exception(exc)
                self._fail(f"encoder process unreachable: {exc}")

    def _read(self) -> None:
        while True:
            try:
                status, value = pickle.load(self._from_worker)
            except Exception as exc:  # EOF: the worker exited or died
                with self._lock:
                    self._fail(f"encoder process ended ({type(exc).__name__})")
                return
            with self._lock:
                if status == "ready":
                    self._ready = True
                    self._ready_event.set()
                    self._send_next()
                    continue
                job, self._current = self._current, None
                if job is not None:
                    if status == "ok":
                        self.answered += 1
                        job.set_result(value)
                    else:
                        job.set_exception(RuntimeError(value))
                self._send_next()

    def _fail(self, reason: str) -> None:  # holding the lock
        self._dead = reason
        for job in ([self._current] if self._current else []) + [j for j, _ in self._waiting]:
            if not job.done():
                if job.running() or job.set_running_or_notify_cancel():
                    job.set_exception(RuntimeError(reason))
        self._current = None
        self._waiting.clear()


def start_worker(settings: Settings | None = None) -> EncoderWorker | None:
    """A worker running the encoder the settings name (default :meth:`Settings.load`), or None
    when there is no encoder to run or no process can be started (the caller then encodes in
    its own process)."""
    from kg.extract.encoder import encoder_at

    settings = settings or Settings.load()
    if settings.stances == "accurate":
        return None  # the accurate encoder runs in this process (the worker runs the fast one)
    encoder_path = settings.stance_encoder

    if encoder_path is None or encoder_at(encoder_path) is None:
        return None
    try:
        return EncoderWorker(encoder_path)
    except Exception as exc:  # e.g. no interpreter path (sys.executable empty when embedded)
        log.warning("could not start the encoder process (%s): encoding in this one", exc)
        return None


def _serve() -> None:
    """The worker's loop: one pickled input list in, ("ok", probabilities) or ("error", why) out."""
    import signal

    # Ctrl-C in a terminal reaches the whole process group: the caller handles it and closes
    # this worker (end of input), so the worker itself ignores it instead of dying with a traceback.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    from kg.extract.encoder import encoder_at

    source, sink = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # nothing but answers on the pipe
    encoder = encoder_at(sys.argv[1])  # the caller's setting, passed on (never re-read here)
    if encoder is None:
        return
    pickle.dump(("ready", None), sink)
    sink.flush()
    while True:
        try:
            inputs = pickle.load(source)
        except EOFError:
            return
        answer: tuple[str, object]
        try:
            answer = ("ok", encoder.probabilities(inputs))
        except Exception as exc:
            answer = ("error", f"{type(exc).__name__}: {exc}")
        pickle.dump(answer, sink, protocol=pickle.HIGHEST_PROTOCOL)
        sink.flush()


if __name__ == "__main__":
    _serve()
