#!/usr/bin/env python3
"""Server-sent events with known timing, served by hypercorn (a real ASGI server): HTTP/1.1 with
chunked bodies and HTTP/2 with prior knowledge (h2c) on the same port.

    GET /sse?n=N&gap=MS   200 text/event-stream: a comment, then N events `tick` (id i, two data
                          lines "i" and "line two"), one every MS milliseconds (the first after
                          MS), then `data: [DONE]`
    GET /to-sse?...       302 to /sse with the same query (a redirect hop before the stream)
    GET /fail             500 with a body that looks like an event stream (it must not count)
    POST /v1/chat/completions
                          a reasoning model as vLLM streams one: a role chunk, 3 chunks of
                          `reasoning_content` (the first after 30 ms, then every 20 ms), then 4
                          of `content` 20 ms apart, carrying 1, 3, 1, 3 tokens; every chunk
                          has its cumulative `usage` (vLLM's continuous_usage_stats), then a
                          usage chunk and `[DONE]`. With "metadata": {"fail": "1"} the stream
                          carries an error object after the reasoning (as vLLM reports errors);
                          with {"whole": "1"} it ignores "stream" and answers with one JSON
                          chat.completion, as some servers do.

    sse_server.py PORT [CERTFILE KEYFILE]     with a certificate: TLS, h2 or HTTP/1.1 by ALPN
"""
import asyncio
import os
import signal
import sys
import threading
import time
from urllib.parse import parse_qs


async def app(scope, receive, send):
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return
    path = scope["path"]
    query = parse_qs(scope["query_string"].decode())
    if path == "/sse":
        n = int(query.get("n", ["5"])[0])
        gap = float(query.get("gap", ["20"])[0]) / 1000
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"text/event-stream"), (b"cache-control", b"no-cache")]})
        await send({"type": "http.response.body", "body": b": stream opens\n\n", "more_body": True})
        start = time.monotonic()
        for i in range(n):
            # Paced against the start, so the events' times do not drift with the server's work.
            await asyncio.sleep(max(0, start + (i + 1) * gap - time.monotonic()))
            event = f"id: {i}\nevent: tick\ndata: {i}\ndata: line two\n\n".encode()
            await send({"type": "http.response.body", "body": event, "more_body": True})
        await send({"type": "http.response.body", "body": b"data: [DONE]\n\n", "more_body": False})
    elif path == "/v1/chat/completions":
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        import json
        meta = json.loads(body or b"{}").get("metadata") or {}
        fail = meta.get("fail") == "1"
        if meta.get("whole") == "1":
            answer = json.dumps({"id": "x", "object": "chat.completion", "model": "reasoner",
                                 "choices": [{"index": 0, "message": {"role": "assistant", "content": "4."}, "finish_reason": "stop"}],
                                 "usage": {"prompt_tokens": 7, "completion_tokens": 2, "total_tokens": 9}}).encode()
            await send({"type": "http.response.start", "status": 200,
                        "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(answer)).encode())]})
            await send({"type": "http.response.body", "body": answer})
            return
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/event-stream")]})

        def chunk(delta, tokens, finish=None):
            c = {"id": "x", "object": "chat.completion.chunk", "model": "reasoner",
                 "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
                 "usage": {"prompt_tokens": 7, "completion_tokens": tokens, "total_tokens": 7 + tokens}}
            return ("data: " + json.dumps(c) + "\n\n").encode()

        await send({"type": "http.response.body", "body": chunk({"role": "assistant", "content": ""}, 0), "more_body": True})
        start = time.monotonic()
        plan = [("reasoning_content", "Let", 1), ("reasoning_content", " me", 2), ("reasoning_content", " think", 3),
                ("content", "The", 4), ("content", " answer is", 7), ("content", " 4", 8), ("content", ".", 11)]
        for i, (field, text, tokens) in enumerate(plan):
            await asyncio.sleep(max(0, start + 0.030 + i * 0.020 - time.monotonic()))
            if fail and field == "content":
                err = {"error": {"object": "error", "message": "the engine died", "type": "InternalServerError", "code": 500}}
                await send({"type": "http.response.body", "body": ("data: " + json.dumps(err) + "\n\n").encode(), "more_body": True})
                break
            await send({"type": "http.response.body", "body": chunk({field: text}, tokens, "stop" if i == len(plan) - 1 else None),
                        "more_body": True})
        if not fail:
            usage = {"id": "x", "object": "chat.completion.chunk", "choices": [],
                     "usage": {"prompt_tokens": 7, "completion_tokens": 11, "total_tokens": 18}}
            await send({"type": "http.response.body", "body": ("data: " + json.dumps(usage) + "\n\n").encode(), "more_body": True})
        await send({"type": "http.response.body", "body": b"data: [DONE]\n\n", "more_body": False})
    elif path == "/to-sse":
        body = b"data: no\n\nno\n"
        await send({"type": "http.response.start", "status": 302,
                    "headers": [(b"location", b"/sse?" + scope["query_string"]), (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})
    elif path == "/fail":
        body = b"data: not an event\n\n"
        await send({"type": "http.response.start", "status": 500,
                    "headers": [(b"content-type", b"text/event-stream"), (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})
    else:
        await send({"type": "http.response.start", "status": 404, "headers": [(b"content-length", b"0")]})
        await send({"type": "http.response.body", "body": b""})


def main(port, cert=None, key=None):
    from hypercorn.asyncio import serve
    from hypercorn.config import Config

    config = Config()
    config.bind = [f"127.0.0.1:{port}"]
    config.keep_alive_timeout = 30
    config.graceful_timeout = 1
    config.accesslog = None
    if cert:
        config.certfile = cert
        config.keyfile = key

    async def run():
        loop = asyncio.get_running_loop()
        stop = asyncio.Event()
        loop.add_signal_handler(signal.SIGTERM, stop.set)
        loop.add_signal_handler(signal.SIGINT, stop.set)
        parent = os.getppid()

        def watch():
            while os.getppid() == parent:
                time.sleep(0.5)
            loop.call_soon_threadsafe(stop.set)

        threading.Thread(target=watch, daemon=True).start()
        print("listening", flush=True)
        await serve(app, config, shutdown_trigger=stop.wait)

    asyncio.run(run())


if __name__ == "__main__":
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    main(int(sys.argv[1]), *sys.argv[2:4])
