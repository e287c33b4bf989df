"""Opens an HTML report in headless Chromium over the DevTools protocol and reports what a
reader's browser would: console errors, exceptions, failed or external loads, and what the
charts drew. Optionally saves a full-page screenshot.

    browser_check.py REPORT.html PORT [SCREENSHOT.png]

Prints one JSON object: {"errors": [...], "page": {...}}. Chromium is stopped by its PID.
"""
import base64
import json
import os
import sys
import time

from websocket import create_connection

import chromium

PAGE_PROBE = """JSON.stringify({
  title: document.title,
  verdict: (document.getElementById('verdict') || {}).textContent || null,
  charts: document.querySelectorAll('svg.chart').length,
  series: Array.from(document.querySelectorAll('svg.chart .series')).map(e => Number(e.getAttribute('data-points'))),
  drawn: Array.from(document.querySelectorAll('svg.chart')).map(s => { const b = s.getBoundingClientRect(); return [Math.round(b.width), Math.round(b.height)]; }),
  tables: document.querySelectorAll('table').length,
  scripts: document.querySelectorAll('script').length,
  width: document.documentElement.scrollWidth,
  height: document.documentElement.scrollHeight
})"""


def main(report, port, screenshot=None):
    proc, profile, ws_url = chromium.launch(port)
    try:
        ws = create_connection(ws_url, timeout=30, suppress_origin=True)
        ids = iter(range(1, 10_000))
        errors = []

        def send(method, **params):
            i = next(ids)
            ws.send(json.dumps({"id": i, "method": method, "params": params}))
            return i

        def note(event):
            m, p = event.get("method"), event.get("params", {})
            if m == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert"):
                errors.append("console: " + " ".join(str(a.get("value", a.get("description", ""))) for a in p.get("args", [])))
            elif m == "Runtime.exceptionThrown":
                errors.append("exception: " + p.get("exceptionDetails", {}).get("text", ""))
            elif m == "Log.entryAdded" and p.get("entry", {}).get("level") == "error":
                errors.append("log: " + p["entry"].get("text", ""))
            elif m == "Network.loadingFailed":
                errors.append("load failed: " + p.get("errorText", "") + " " + p.get("blockedReason", ""))
            elif m == "Network.requestWillBeSent":
                url = p.get("request", {}).get("url", "")
                if not (url.startswith("file://") or url.startswith("data:") or url == "about:blank"):
                    errors.append("fetched " + url)

        def call(method, **params):
            i = send(method, **params)
            while True:
                msg = json.loads(ws.recv())
                if msg.get("id") == i:
                    if "error" in msg:
                        raise RuntimeError(f"{method}: {msg['error']}")
                    return msg.get("result", {})
                note(msg)

        for domain in ("Runtime", "Log", "Network", "Page"):
            call(domain + ".enable")
        call("Page.navigate", url="file://" + os.path.abspath(report))
        if not chromium.wait_for_load(ws, note):
            errors.append("the page did not finish loading in 30 s")
        settle = time.time() + 0.5
        ws.settimeout(0.1)
        while time.time() < settle:
            try:
                note(json.loads(ws.recv()))
            except Exception:
                pass
        ws.settimeout(30)
        page = json.loads(call("Runtime.evaluate", expression=PAGE_PROBE, returnByValue=True)["result"]["value"])
        if screenshot:
            call("Emulation.setDeviceMetricsOverride", width=1280, height=min(page["height"], 6000),
                 deviceScaleFactor=1, mobile=False)
            shot = call("Page.captureScreenshot", format="png", captureBeyondViewport=True)
            with open(screenshot, "wb") as f:
                f.write(base64.b64decode(shot["data"]))
        ws.close()
        print(json.dumps({"errors": errors, "page": page}))
    finally:
        chromium.stop(proc, profile)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), sys.argv[3] if len(sys.argv) > 3 else None)
