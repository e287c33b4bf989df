#!/usr/bin/env python3
"""An OpenAI-compatible server nobody here wrote: LitServe (PyPI `litserve`) with its OpenAISpec,
serving a deterministic generator with known timing, for the streaming tests.

    POST /v1/chat/completions {"model": …, "messages": […], "stream": true}
      streams `chat.completion.chunk` events over SSE: the words of WORDS, the first after
      TTFT_MS, then one every GAP_MS, then a last chunk with the usage, then `data: [DONE]`.
      Each word counts as TOKENS_PER_CHUNK output tokens (a server that packs several tokens
      into one chunk); the prompt's tokens are its words. Without "stream" the same answer
      comes whole, with its usage. A request's "metadata" may set "ttft_ms" and "gap_ms" for it.

    litserve_app.py PORT [TTFT_MS GAP_MS [TOKENS_PER_CHUNK]]     (defaults 60, 25 and 1)

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
        # A request's metadata may set its own timing: {"ttft_ms": "120", "gap_ms": "25"}.
        meta = getattr(messages, "metadata", None) or {}
        ttft = float(meta.get("ttft_ms", os.environ["TTFT_MS"])) / 1000
        gap = float(meta.get("gap_ms", os.environ["GAP_MS"])) / 1000
        per_chunk = int(os.environ["TOKENS_PER_CHUNK"])
        # The spec hands over the whole request (a ChatCompletionRequest) or its messages.
        prompt = sum(len(str(m.get("content") if isinstance(m, dict) else getattr(m, "content", "")).split())
                     for m in getattr(messages, "messages", messages))
        start = time.monotonic()
        for i, word in enumerate(WORDS):
            # Paced against the start, so the words' times do not drift with the server's work.
            time.sleep(max(0.0, start + ttft + i * gap - time.monotonic()))
            # LitServe reports the last item's usage at the end of a stream, and the sum of every
            # item's in a whole answer: only the last word carries the counts, so both are right.
            last = i == len(WORDS) - 1
            done = len(WORDS) * per_chunk if last else 0
            yield {"role": "assistant", "content": word + " ", "prompt_tokens": prompt if last else 0,
                   "completion_tokens": done, "total_tokens": prompt + done if last else 0}


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
        os.environ["TOKENS_PER_CHUNK"] = sys.argv[4] if len(sys.argv) > 4 else "1"
        supervise(int(sys.argv[1]))
