#!/usr/bin/env python3
"""An OpenAI-compatible server nobody here wrote: LitServe (PyPI `litserve`) with its OpenAISpec,
serving a deterministic generator with known timing, for the streaming tests.

    POST /v1/chat/completions {"model": …, "messages": […], "stream": true}
      streams `chat.completion.chunk` events over SSE: the words of WORDS, the first after
      TTFT_MS, then one every GAP_MS, then `data: [DONE]`

    litserve_app.py PORT [TTFT_MS GAP_MS]     (defaults 60 and 25)

It prints "listening" once /health answers. Stopping it by its PID (or the test process going
away) stops LitServe and every process it started.
"""
import os
import signal
import subprocess
import sys
import time
import urllib.request

import litserve as ls

WORDS = "the quick brown fox jumps over the lazy dog".split()


class Generator(ls.LitAPI):
    def setup(self, device):
        pass

    def predict(self, messages, **kwargs):
        ttft = float(os.environ["TTFT_MS"]) / 1000
        gap = float(os.environ["GAP_MS"]) / 1000
        start = time.monotonic()
        for i, word in enumerate(WORDS):
            # Paced against the start, so the words' times do not drift with the server's work.
            time.sleep(max(0.0, start + ttft + i * gap - time.monotonic()))
            yield word + " "


def supervise(port):
    """Runs LitServe in a process group of its own (it starts worker processes and does not
    stop them on SIGTERM), says "listening" once it answers, and on SIGTERM or when the test
    process is gone stops that whole group and exits: the test stops this process by its PID."""
    parent = os.getppid()
    child = subprocess.Popen([sys.executable, __file__, "serve", str(port)], start_new_session=True)

    def stop(*_):
        try:
            os.killpg(child.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        os._exit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    ready = False
    while True:
        if child.poll() is not None:
            print(f"LitServe exited with {child.returncode}", file=sys.stderr, flush=True)
            stop()
        if os.getppid() != parent:
            stop()
        if not ready:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1).read()
                print("listening", flush=True)
                ready = True
            except Exception:
                pass
        time.sleep(0.2)


if __name__ == "__main__":
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    if sys.argv[1] == "serve":
        ls.LitServer(Generator(), spec=ls.OpenAISpec()).run(port=int(sys.argv[2]), host="127.0.0.1", log_level="warning")
    else:
        os.environ["TTFT_MS"] = sys.argv[2] if len(sys.argv) > 2 else "60"
        os.environ["GAP_MS"] = sys.argv[3] if len(sys.argv) > 3 else "25"
        supervise(int(sys.argv[1]))
