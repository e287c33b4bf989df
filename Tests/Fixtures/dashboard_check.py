#!/usr/bin/env python3
"""Opens swiftload's live dashboard in headless Chromium over the DevTools protocol and watches
it: what the tiles say twice a second until the page shows the final numbers, the final numbers
themselves, the size of the report the page kept, and any console error, exception, or load
from anywhere but the dashboard itself.

    dashboard_check.py URL PORT

Chromium starts first and the page opens as soon as the dashboard answers, so the check can be
started before the run and see it from its first second. Prints one JSON object. Chromium is
stopped by its PID.
"""
import json
import signal
import sys
import time
import urllib.request

from websocket import create_connection

import chromium

PROBE = """JSON.stringify({
  requests: document.getElementById('requests').textContent,
  status: document.getElementById('status').textContent,
  p99: document.getElementById('p99').textContent,
  verdict: document.getElementById('verdict').textContent,
  final: document.body.dataset.final || null,
  report: document.body.dataset.report || null,
  drawn: Array.from(document.querySelectorAll('svg .series')).map(e => Number(e.getAttribute('data-points')))
})"""


def main(url, port):
    proc, profile, ws_url = chromium.launch(port)
    try:
        answered, deadline = False, time.time() + 60
        while not answered and time.time() < deadline:
            try:
                with urllib.request.urlopen(url, timeout=2):
                    answered = True
            except OSError:
                time.sleep(0.1)
        if not answered:
            sys.exit(f"the dashboard at {url} did not answer in 60 s")
        ws = create_connection(ws_url, timeout=30, suppress_origin=True)
        ids, errors = iter(range(1, 100_000)), []

        def note(m):
            method, p = m.get("method"), m.get("params", {})
            if method == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert"):
                errors.append("console: " + " ".join(str(a.get("value", "")) for a in p.get("args", [])))
            elif method == "Runtime.exceptionThrown":
                errors.append("exception: " + p.get("exceptionDetails", {}).get("text", ""))
            elif method == "Network.requestWillBeSent":
                u = p.get("request", {}).get("url", "")
                if not (u.startswith(url) or u.startswith("blob:") or u.startswith("data:")):
                    errors.append("fetched " + u)

        def call(method, **params):
            i = next(ids)
            ws.send(json.dumps({"id": i, "method": method, "params": params}))
            while True:
                m = json.loads(ws.recv())
                if m.get("id") == i:
                    if "error" in m:
                        raise RuntimeError(f"{method}: {m['error']}")
                    return m.get("result", {})
                note(m)

        for domain in ("Runtime", "Network", "Page"):
            call(domain + ".enable")
        call("Page.navigate", url=url)
        # On a loaded machine the page may still be loading when navigate returns: wait for it,
        # so the first probe does not read a document without the tiles.
        loaded = chromium.wait_for_load(ws, note)
        if not loaded:
            errors.append("the page did not finish loading in 30 s")
        samples, page, deadline = [], None, time.time() + 90
        while loaded and time.time() < deadline:
            time.sleep(0.5)
            value = call("Runtime.evaluate", expression=PROBE, returnByValue=True).get("result", {}).get("value")
            if value is None:  # the tiles are not there (yet): not a sample
                continue
            page = json.loads(value)
            samples.append(page["requests"])
            if page["final"] and page["report"]:
                break
        ws.close()
        print(json.dumps({"errors": errors, "samples": samples, "page": page}))
    finally:
        chromium.stop(proc, profile)


if __name__ == "__main__":
    # A test that gives up sends SIGTERM: exit through `finally`, which stops Chromium.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("stopped"))
    main(sys.argv[1], int(sys.argv[2]))
