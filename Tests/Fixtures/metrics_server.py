"""A server that counts what it serves with the official Prometheus client library
(prometheus_client) and exposes the counts on /metrics, for the --scrape tests.

    GET /work     sleeps 3 ms, then answers 200 "ok"
    GET /metrics  the Prometheus text exposition of:
        fixture_requests_total{path="/work"}  counter, +1 per /work answered
        fixture_in_flight                     gauge, /work requests being served
        fixture_request_seconds               histogram of /work's service time
        fixture_note                          gauge with escapes in its labels (parser check)

    python3 metrics_server.py PORT
"""
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest, CONTENT_TYPE_LATEST

registry = CollectorRegistry()
requests = Counter("fixture_requests", "Requests answered.", ["path"], registry=registry)
in_flight = Gauge("fixture_in_flight", "Requests being served.", registry=registry)
latency = Histogram("fixture_request_seconds", "Service time of /work.",
                    buckets=(0.001, 0.002, 0.004, 0.008, 0.016, 0.05, 0.1, 1.0), registry=registry)
note = Gauge("fixture_note", "A label value with \"quotes\", a back\\slash and a\nnewline.", ["text"], registry=registry)
note.labels(text='say "hi"\\ \n bye').set(7)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes: without this, Nagle's algorithm holds the body
    # until the client's delayed ACK (40 ms) and the client would measure that, not the server.
    disable_nagle_algorithm = True

    def do_GET(self):
        if self.path == "/metrics":
            body = generate_latest(registry)
            self.send_response(200)
            self.send_header("Content-Type", CONTENT_TYPE_LATEST)
        elif self.path == "/work":
            with in_flight.track_inprogress():
                start = time.perf_counter()
                time.sleep(0.003)
                body = b"ok"
                latency.observe(time.perf_counter() - start)
            requests.labels(path="/work").inc()
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
        else:
            body = b"not found"
            self.send_response(404)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


server = ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler)
server.daemon_threads = True
print("listening", flush=True)
server.serve_forever()
