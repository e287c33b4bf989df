"""Headless Chromium for the browser checks (browser_check.py, dashboard_check.py): started with
its DevTools port on loopback and a throwaway profile, and stopped by its PID."""
import json
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request


def launch(port):
    """Starts Chromium and returns (process, profile folder, the page's DevTools WebSocket URL)."""
    chromium = next((shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome") if shutil.which(n)), None)
    if not chromium:
        sys.exit("no chromium on PATH (apt-get install chromium)")
    profile = tempfile.mkdtemp(prefix="swiftload-chromium-")
    proc = subprocess.Popen(
        [chromium, "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--no-default-browser-check",
         "--disable-extensions", "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--metrics-recording-only", f"--remote-debugging-port={port}", "--remote-debugging-address=127.0.0.1",
         f"--user-data-dir={profile}", "--window-size=1280,900", "about:blank"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=2) as r:
                pages = [t for t in json.load(r) if t.get("type") == "page"]
                if pages:
                    return proc, profile, pages[0]["webSocketDebuggerUrl"]
        except OSError:
            time.sleep(0.2)
    stop(proc, profile)
    sys.exit("chromium did not open its DevTools port")


def wait_for_load(ws, note, seconds=30):
    """Reads the DevTools events of a page being navigated, passing each to `note`, until its load
    event: True, or False when `seconds` pass without one."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        msg = json.loads(ws.recv())
        note(msg)
        if msg.get("method") == "Page.loadEventFired":
            return True
    return False


def stop(proc, profile):
    """Stops Chromium by its PID and removes its profile."""
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    shutil.rmtree(profile, ignore_errors=True)
