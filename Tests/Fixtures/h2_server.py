#!/usr/bin/env python3
"""A scripted HTTP/2 server (hyper-h2) for the protocol cases a real server will not produce on
demand. Cleartext, prior knowledge. Behaviour by request path:

  /ok               200 text/plain "ok"
  /grpc/ok          a complete gRPC reply: one empty message, grpc-status 0
  /grpc/truncated   grpc-status 0, but the message frame announces 100 bytes and carries 10
  /grpc/html        200 text/html: not a gRPC response
  /grpc/no-status   a gRPC message, then the stream ends without trailers
  /rst              RST_STREAM(INTERNAL_ERROR) instead of a response
  /refuse           RST_STREAM(REFUSED_STREAM) for the first 3 requests of the server's life, then
                    as /grpc/ok
  /goaway           answers as /grpc/ok, then sends GOAWAY naming this stream as the last one
                    processed; streams the client opened after it are not answered (a client must
                    retry them elsewhere), and the connection closes half a second later
  /drop             sends response headers, then closes the TCP connection (loss mid-stream)
  /slow?ms=N        answers after N ms
  /stats            the number of requests received so far (this one excluded)

Prints "listening PORT"; exits on SIGTERM or when its parent is gone.

  h2_server.py PORT
"""
import asyncio
import os
import signal
import sys
from urllib.parse import parse_qs, urlsplit

from h2.config import H2Configuration
from h2.connection import H2Connection
from h2.errors import ErrorCodes
from h2.events import DataReceived, RequestReceived, StreamEnded
from h2.exceptions import ProtocolError, StreamClosedError

STATE = {"requests": 0, "refused": 0}


def grpc_frame(payload):
    return b"\x00" + len(payload).to_bytes(4, "big") + payload


class Conn(asyncio.Protocol):
    def connection_made(self, transport):
        self.t = transport
        self.h2 = H2Connection(H2Configuration(client_side=False, header_encoding="utf-8"))
        self.h2.initiate_connection()
        self.paths = {}
        self.gone_away = False
        self.flush()

    def flush(self):
        if not self.t.is_closing():
            self.t.write(self.h2.data_to_send())

    def data_received(self, data):
        try:
            events = self.h2.receive_data(data)
        except ProtocolError:
            self.t.close()
            return
        for ev in events:
            if isinstance(ev, RequestReceived):
                self.paths[ev.stream_id] = dict(ev.headers)[":path"]
            elif isinstance(ev, DataReceived):
                self.h2.acknowledge_received_data(ev.flow_controlled_length, ev.stream_id)
            elif isinstance(ev, StreamEnded):
                if not self.gone_away:
                    self.handle(ev.stream_id, self.paths.get(ev.stream_id, "/"))
        self.flush()

    def respond(self, sid, status, body, ctype="text/plain", trailers=None):
        self.h2.send_headers(sid, [(":status", str(status)), ("content-type", ctype)])
        self.h2.send_data(sid, body, end_stream=trailers is None)
        if trailers is not None:
            self.h2.send_headers(sid, trailers, end_stream=True)

    def handle(self, sid, target):
        url = urlsplit(target)
        q = {k: v[0] for k, v in parse_qs(url.query).items()}
        path = url.path
        if path == "/stats":
            self.respond(sid, 200, str(STATE["requests"]).encode())
            return
        STATE["requests"] += 1
        grpc = "application/grpc"
        try:
            if path == "/ok":
                self.respond(sid, 200, b"ok")
            elif path == "/grpc/ok":
                self.respond(sid, 200, grpc_frame(b""), grpc, [("grpc-status", "0")])
            elif path == "/grpc/truncated":
                self.respond(sid, 200, b"\x00\x00\x00\x00\x64" + b"x" * 10, grpc, [("grpc-status", "0")])
            elif path == "/grpc/html":
                self.respond(sid, 200, b"<html>not grpc</html>", "text/html")
            elif path == "/grpc/no-status":
                self.respond(sid, 200, grpc_frame(b""), grpc)
            elif path == "/rst":
                self.h2.reset_stream(sid, ErrorCodes.INTERNAL_ERROR)
            elif path == "/refuse":
                if STATE["refused"] < 3:
                    STATE["refused"] += 1
                    self.h2.reset_stream(sid, ErrorCodes.REFUSED_STREAM)
                else:
                    self.respond(sid, 200, grpc_frame(b""), grpc, [("grpc-status", "0")])
            elif path == "/goaway":
                self.respond(sid, 200, grpc_frame(b""), grpc, [("grpc-status", "0")])
                self.h2.close_connection(last_stream_id=sid)
                self.gone_away = True
                self.flush()
                asyncio.get_running_loop().call_later(0.5, self.t.close)
            elif path == "/drop":
                self.h2.send_headers(sid, [(":status", "200"), ("content-type", "text/plain")])
                self.flush()
                self.t.close()
            elif path == "/slow":
                def later():
                    try:
                        self.respond(sid, 200, b"slow")
                        self.flush()
                    except (StreamClosedError, ProtocolError):
                        pass
                asyncio.get_running_loop().call_later(int(q.get("ms", "100")) / 1000.0, later)
            else:
                self.respond(sid, 404, b"not found")
        except (StreamClosedError, ProtocolError):
            pass


async def watch_parent(stop, parent):
    while not stop.done():
        if os.getppid() != parent:
            stop.set_result(None)
        await asyncio.sleep(0.5)


async def main(port):
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    loop = asyncio.get_running_loop()
    server = await loop.create_server(Conn, "127.0.0.1", port)
    stop = loop.create_future()
    loop.add_signal_handler(signal.SIGTERM, lambda: stop.done() or stop.set_result(None))
    watcher = asyncio.ensure_future(watch_parent(stop, os.getppid()))
    print(f"listening {port}", flush=True)
    await stop
    watcher.cancel()
    server.close()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1])))
