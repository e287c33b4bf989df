#!/usr/bin/env python3
"""A small HTTP/1.1 server for swiftload's tests, standard library only.

Keep-alive, one asyncio loop. Routes (query parameters in brackets):

  /ok                      200 "ok"
  /delay?ms=N              200 after N ms, timed with loop.call_at so it answers as close to N ms
                           after the request arrived as the loop allows
  /status?code=N           that status, body "status N"
  /bytes?n=N               N bytes of 'x' with Content-Length
  /chunked?n=N&parts=K     N bytes sent as K chunks
  /close-mid               promises 1000 bytes, sends 10, closes the connection
  /close-now               closes the connection without answering
  /close-after             200 "bye" with Connection: close
  /echo                    200, JSON of the method, path, headers and body received
  /redirect?to=PATH        302 to PATH
  /model                   200 after a model-like latency: 20 ms plus an exponential tail
                           (mean 10 ms; p99 about 66 ms), times the slowdown factor. The
                           tail is wide on purpose: a few milliseconds of scheduling noise on
                           a busy machine move its p99 by a few percent, not by half
  /slowdown?factor=F       sets the slowdown factor (1 at start): a regression on demand
  /stall?ms=N              the server stalls: this and every /held request answer only N ms
                           from now (as a server in a garbage-collection pause would)
  /held                    200 "held", at once unless a stall is on, else when it ends
  /gzip?n=N                N bytes of 'g', gzip-encoded (Content-Encoding: gzip)
  /deflate?n=N[&raw=1]     N bytes of 'd', deflate-encoded: zlib-wrapped, or a raw stream
  /gzip-broken             Content-Encoding: gzip over bytes that are not gzip
  /stats                   JSON {"requests": N} counted since start (this request excluded)
  /reset                   sets the counter to zero

Prints "listening PORT" once bound. Exits on SIGTERM, or when the process that started it is
gone (so a crashed test run leaves no server behind).
"""
import asyncio
import gzip
import zlib
import json
import os
import random
import signal
import sys
from urllib.parse import parse_qs, urlsplit

COUNT = {"requests": 0}
SLOWDOWN = {"factor": 1.0}
STALL = {"until": 0.0}


def response(status, body=b"", headers=None, reason="OK"):
    head = [f"HTTP/1.1 {status} {reason}", f"Content-Length: {len(body)}"]
    items = headers.items() if isinstance(headers, dict) else (headers or [])
    for k, v in items:
        head.append(f"{k}: {v}")
    return ("\r\n".join(head) + "\r\n\r\n").encode() + body


class Conn(asyncio.Protocol):
    def connection_made(self, transport):
        self.t = transport
        self.buf = b""
        self.busy = False

    def data_received(self, data):
        self.buf += data
        self.process()

    def process(self):
        while not self.busy:
            end = self.buf.find(b"\r\n\r\n")
            if end < 0:
                return
            head = self.buf[:end].decode("latin-1").split("\r\n")
            method, target, _ = head[0].split(" ", 2)
            headers = {}
            for line in head[1:]:
                k, _, v = line.partition(":")
                headers[k.strip().lower()] = v.strip()
            n = int(headers.get("content-length", "0"))
            if len(self.buf) < end + 4 + n:
                return
            body = self.buf[end + 4:end + 4 + n]
            self.buf = self.buf[end + 4 + n:]
            self.handle(method, target, headers, body)

    def handle(self, method, target, headers, body):
        url = urlsplit(target)
        q = {k: v[0] for k, v in parse_qs(url.query).items()}
        path = url.path
        if path == "/stats":
            self.t.write(response(200, json.dumps(COUNT).encode(), {"Content-Type": "application/json"}))
            return
        if path == "/slowdown":
            SLOWDOWN["factor"] = float(q.get("factor", "1"))
            self.t.write(response(200, json.dumps(SLOWDOWN).encode(), {"Content-Type": "application/json"}))
            return
        if path == "/reset":
            COUNT["requests"] = 0
            self.t.write(response(200, b"reset"))
            return
        COUNT["requests"] += 1
        send = self.t.write
        if path == "/ok":
            send(response(200, b"ok"))
        elif path == "/held" and asyncio.get_running_loop().time() >= STALL["until"]:
            send(response(200, b"held"))
        elif path in ("/delay", "/model", "/stall", "/held"):
            loop = asyncio.get_running_loop()
            self.busy = True
            if path == "/stall":
                STALL["until"] = loop.time() + int(q.get("ms", "1000")) / 1000.0
                due = STALL["until"]
            elif path == "/held":
                due = STALL["until"]
            elif path == "/delay":
                due = loop.time() + int(q.get("ms", "50")) / 1000.0
            else:
                due = loop.time() + (0.020 + random.expovariate(100)) * SLOWDOWN["factor"]

            def reply():
                self.busy = False
                if not self.t.is_closing():
                    send(response(200, b"delayed"))
                    self.process()
            loop.call_at(due, reply)
        elif path == "/gzip":
            send(response(200, gzip.compress(b"g" * int(q.get("n", "1000"))), {"Content-Encoding": "gzip"}))
        elif path == "/deflate":
            data = b"d" * int(q.get("n", "1000"))
            if q.get("raw") == "1":
                c = zlib.compressobj(wbits=-15)
                body = c.compress(data) + c.flush()
            else:
                body = zlib.compress(data)
            send(response(200, body, {"Content-Encoding": "deflate"}))
        elif path == "/gzip-broken":
            send(response(200, b"this is not gzip at all", {"Content-Encoding": "gzip"}))
        elif path == "/status":
            code = int(q.get("code", "500"))
            send(response(code, f"status {code}".encode(), reason="Status"))
        elif path == "/bytes":
            send(response(200, b"x" * int(q.get("n", "0"))))
        elif path == "/chunked":
            n, parts = int(q.get("n", "100")), max(1, int(q.get("parts", "3")))
            data = b"y" * n
            size = max(1, -(-n // parts))
            out = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
            for i in range(0, n, size):
                piece = data[i:i + size]
                out += f"{len(piece):x}\r\n".encode() + piece + b"\r\n"
            send(out + b"0\r\n\r\n")
        elif path == "/close-mid":
            send(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n" + b"z" * 10)
            self.t.close()
        elif path == "/close-now":
            self.t.close()
        elif path == "/close-after":
            send(response(200, b"bye", {"Connection": "close"}))
            self.t.close()
        elif path == "/echo":
            doc = {"method": method, "path": target, "headers": headers,
                   "body": body.decode("utf-8", "replace")}
            send(response(200, json.dumps(doc).encode(), {"Content-Type": "application/json"}))
        elif path == "/cookies":
            # /cookies?set=a=1&set=b=2 sets cookies; the reply shows the Cookie header received.
            sets = parse_qs(url.query).get("set", [])
            send(response(200, headers.get("cookie", "").encode(), [("Set-Cookie", c + "; Path=/") for c in sets]))
        elif path == "/redirect":
            send(response(302, b"", {"Location": q.get("to", "/ok")}, reason="Found"))
        else:
            send(response(404, b"not found", reason="Not Found"))


async def watch_parent(stop, parent):
    while not stop.done():
        if os.getppid() != parent:
            stop.set_result(None)
        await asyncio.sleep(0.5)


async def main(port):
    # A parent that blocked SIGTERM (thread pools often do) passes the mask on: undo it.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    loop = asyncio.get_running_loop()
    server = await loop.create_server(Conn, "127.0.0.1", port, backlog=1024)
    stop = loop.create_future()
    loop.add_signal_handler(signal.SIGTERM, lambda: stop.done() or stop.set_result(None))
    watcher = asyncio.ensure_future(watch_parent(stop, os.getppid()))
    print(f"listening {port}", flush=True)
    await stop
    watcher.cancel()
    server.close()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1])))
