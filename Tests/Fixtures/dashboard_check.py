#!/usr/bin/env python3
"""Opens swiftload's live dashboard in headless Chromium over the DevTools protocol and watches
it: what the tiles say twice a second until the page shows the final numbers, the final numbers
themselves, the size of the report the page kept, and any console error, exception, or load
from anywhere but the dashboard itself.

    dashboard_check.py URL PORT

Prints one JSON object. Chromium is stopped by its PID.
"""
import json
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

from websocket import create_connection

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
    chromium = next((shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome") if shutil.which(n)), None)
    if not chromium:
        sys.exit("no chromium on PATH (apt-get install chromium)")
    profile = tempfile.mkdtemp(prefix="swiftload-chromium-")
    proc = subprocess.Popen(
        [chromium, "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--no-default-browser-check",
         "--disable-extensions", "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--remote-debugging-port={port}", "--remote-debugging-address=127.0.0.1", f"--user-data-dir={profile}",
         "--window-size=1280,900", "about:blank"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        ws_url, deadline = None, time.time() + 30
        while time.time() < deadline and ws_url is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=2) as r:
                    pages = [t for t in json.load(r) if t.get("type") == "page"]
                    ws_url = pages[0]["webSocketDebuggerUrl"] if pages else None
            except OSError:
                time.sleep(0.2)
        if ws_url is None:
            sys.exit("chromium did not open its DevTools port")
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
        samples, page, deadline = [], None, time.time() + 90
        while time.time() < deadline:
            time.sleep(0.5)
            page = json.loads(call("Runtime.evaluate", expression=PROBE, returnByValue=True)["result"]["value"])
            samples.append(page["requests"])
            if page["final"] and page["report"]:
                break
        ws.close()
        print(json.dumps({"errors": errors, "samples": samples, "page": page}))
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        shutil.rmtree(profile, ignore_errors=True)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
