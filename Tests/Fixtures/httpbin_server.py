#!/usr/bin/env python3
"""httpbin (PyPI `httpbin`) on a real Python HTTP server, for swiftload's conformance tests.

  httpbin_server.py gunicorn PORT [CERTFILE KEYFILE]    HTTP/1.1 (HTTPS with a certificate)
  httpbin_server.py hypercorn PORT [CERTFILE KEYFILE]   h2c with prior knowledge and HTTP/1.1
                                                        (h2 and HTTP/1.1 by ALPN with a certificate)

gunicorn runs one gthread worker (keep-alive, unlike the sync worker); hypercorn runs in this
process. Both listen on 127.0.0.1 only, keep idle connections 30 s (so a test's connections are
never closed between its requests), and exit on SIGTERM or when their parent is gone (a test
process that ends without stopping them). The tests know a server is ready when it answers.
"""
import asyncio
import os
import signal
import sys
import threading
import time


def watch_parent(on_gone):
    parent = os.getppid()

    def loop():
        while os.getppid() == parent:
            time.sleep(0.5)
        on_gone()

    threading.Thread(target=loop, daemon=True).start()


def run_gunicorn(port, cert, key):
    from gunicorn.app.base import BaseApplication
    from httpbin import app as httpbin_app

    class Server(BaseApplication):
        def load_config(self):
            settings = {
                "bind": f"127.0.0.1:{port}",
                "workers": 1,
                "worker_class": "gthread",
                "threads": 4,
                "keepalive": 30,
                "graceful_timeout": 2,
                "loglevel": "warning",
                "control_socket_disable": True,   # else every gunicorn shares ~/.gunicorn/gunicorn.ctl
            }
            if cert:
                settings.update(certfile=cert, keyfile=key)
            for name, value in settings.items():
                if name in self.cfg.settings:
                    self.cfg.set(name, value)

        def load(self):
            return httpbin_app

    # The arbiter handles SIGTERM itself (stops its worker, then exits).
    watch_parent(lambda: os.kill(os.getpid(), signal.SIGTERM))
    Server().run()


def run_hypercorn(port, cert, key):
    from hypercorn.asyncio import serve
    from hypercorn.config import Config
    from httpbin import app as httpbin_app

    config = Config()
    config.bind = [f"127.0.0.1:{port}"]
    config.keep_alive_timeout = 30
    config.graceful_timeout = 2
    config.accesslog = None
    if cert:
        config.certfile = cert
        config.keyfile = key

    async def main():
        loop = asyncio.get_running_loop()
        stop = asyncio.Event()
        loop.add_signal_handler(signal.SIGTERM, stop.set)
        loop.add_signal_handler(signal.SIGINT, stop.set)
        watch_parent(lambda: loop.call_soon_threadsafe(stop.set))

        await serve(httpbin_app, config, shutdown_trigger=stop.wait, mode="wsgi")

    asyncio.run(main())


if __name__ == "__main__":
    # A parent that blocked SIGTERM (thread pools often do) passes the mask on: undo it.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    kind, port = sys.argv[1], int(sys.argv[2])
    cert, key = (sys.argv[3], sys.argv[4]) if len(sys.argv) > 4 else (None, None)
    {"gunicorn": run_gunicorn, "hypercorn": run_hypercorn}[kind](port, cert, key)
