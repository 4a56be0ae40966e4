"""A minimal Chrome DevTools protocol driver for headless Chromium (open a page, collect console errors, evaluate, screenshot)."""

from __future__ import annotations

import asyncio
import base64
import itertools
import json
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import websockets

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", "--remote-debugging-port=0"]


def chromium_path() -> str | None:
    """Path of a Chromium binary, or None."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


class Page:
    """One tab of a headless Chromium, driven over a flattened CDP session."""

    def __init__(self, ws, session_id: str):
        self.ws = ws
        self.session_id = session_id
        self.ids = itertools.count(1)
        self.errors: list[str] = []
        self.events: list[dict] = []

    async def send(self, method: str, params: dict | None = None, timeout_s: float = 60) -> dict:
        """Send a command and wait for its result, recording console errors seen meanwhile."""
        msg_id = next(self.ids)
        await self.ws.send(json.dumps({"id": msg_id, "method": method, "params": params or {}, "sessionId": self.session_id}))
        while True:
            msg = json.loads(await asyncio.wait_for(self.ws.recv(), timeout_s))
            if msg.get("id") == msg_id:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                return msg.get("result", {})
            self._event(msg)

    async def wait_event(self, method: str, timeout_s: float = 60) -> dict:
        """Wait for an event of this session."""
        for event in self.events:
            if event.get("method") == method:
                return event
        while True:
            msg = json.loads(await asyncio.wait_for(self.ws.recv(), timeout_s))
            self._event(msg)
            if msg.get("method") == method:
                return msg

    def _event(self, msg: dict) -> None:
        if "method" not in msg:
            return
        self.events.append(msg)
        params = msg.get("params", {})
        if msg["method"] == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            self.errors.append(" ".join(str(a.get("value", a.get("description", ""))) for a in params.get("args", [])))
        elif msg["method"] == "Runtime.exceptionThrown":
            details = params.get("exceptionDetails", {})
            self.errors.append(details.get("exception", {}).get("description") or details.get("text", "exception"))
        elif msg["method"] == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
            self.errors.append(params["entry"].get("text", "log error"))

    async def evaluate(self, expression: str):
        """Evaluate a JavaScript expression (promises awaited) and return its JSON value."""
        result = await self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True, "awaitPromise": True})
        if "exceptionDetails" in result:
            raise RuntimeError(result["exceptionDetails"].get("text", "evaluation failed"))
        return result["result"].get("value")


async def _open(url: str, width: int, height: int, profile: Path, run):
    binary = chromium_path()
    proc = subprocess.Popen([binary, *FLAGS, f"--user-data-dir={profile}", f"--window-size={width},{height}", "about:blank"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        ws_url = None
        for line in proc.stderr:
            match = re.search(r"DevTools listening on (ws://\S+)", line)
            if match:
                ws_url = match.group(1)
                break
        if ws_url is None:
            raise RuntimeError("chromium did not start its DevTools endpoint")
        async with websockets.connect(ws_url, max_size=None) as ws:
            await ws.send(json.dumps({"id": 1, "method": "Target.createTarget", "params": {"url": "about:blank"}}))
            target_id = await _reply(ws, 1)
            await ws.send(json.dumps({"id": 2, "method": "Target.attachToTarget",
                                      "params": {"targetId": target_id["targetId"], "flatten": True}}))
            session = await _reply(ws, 2)
            page = Page(ws, session["sessionId"])
            page.ids = itertools.count(10)
            for domain in ("Page", "Runtime", "Log"):
                await page.send(f"{domain}.enable")
            await page.send("Emulation.setDeviceMetricsOverride",
                            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})
            await page.send("Page.navigate", {"url": url})
            await page.wait_event("Page.loadEventFired")
            return await run(page)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


async def _reply(ws, msg_id: int) -> dict:
    while True:
        msg = json.loads(await asyncio.wait_for(ws.recv(), 60))
        if msg.get("id") == msg_id:
            if "error" in msg:
                raise RuntimeError(str(msg["error"]))
            return msg["result"]


def inspect_page(path: Path, screenshot: Path, probe_js: str, width: int = 1440, height: int = 900) -> tuple[object, list[str]]:
    """Open a local file, evaluate probe_js after load, write a full-page PNG; return (probe value, console errors)."""

    async def run(page: Page):
        await page.evaluate("new Promise(r => setTimeout(r, 1500))")  # let plotly finish drawing
        value = await page.evaluate(probe_js)
        full_height = await page.evaluate("document.documentElement.scrollHeight")
        await page.send("Emulation.setDeviceMetricsOverride",
                        {"width": width, "height": int(full_height), "deviceScaleFactor": 1, "mobile": False})
        await page.evaluate("new Promise(r => setTimeout(r, 800))")
        shot = await page.send("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True})
        screenshot.write_bytes(base64.b64decode(shot["data"]))
        return value, list(page.errors)

    # Chromium's helper processes can still be writing the profile when the main process has exited, so the
    # profile is removed best-effort (a leftover temp folder must not fail the page check).
    with tempfile.TemporaryDirectory(prefix="chromium-profile-", ignore_cleanup_errors=True) as profile:
        return asyncio.run(_open(Path(path).resolve().as_uri(), width, height, Path(profile), run))
