"""A small driver for Debian's headless Chromium over the DevTools protocol.

Used by ``tests/test_browser.py`` and ``benchmarks/viz_large.py``. It starts Chromium
with a fresh profile and no background networking, opens one page, records console
errors, uncaught exceptions and every request the page makes, and can type, click,
evaluate script and take screenshots.
"""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

import websocket

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-extensions",
    "--disable-sync",
    "--hide-scrollbars",
    "--window-size=1400,900",
    "--remote-debugging-port=0",
)


def chromium_path() -> str | None:
    """Debian's chromium, if installed."""
    return shutil.which("chromium") or shutil.which("chromium-browser")


class Browser:
    """One headless Chromium with one page; use as a context manager."""

    def __init__(self, executable: str, *, timeout: float = 30.0):
        self.timeout = timeout
        self.profile = tempfile.mkdtemp(prefix="sgkg-chromium-")
        self.process = subprocess.Popen(
            [executable, *FLAGS, f"--user-data-dir={self.profile}", "about:blank"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.events: list[dict] = []
        self._next_id = 0
        self.socket = websocket.create_connection(
            self._page_socket_url(), timeout=timeout, suppress_origin=True
        )
        for domain in ("Page", "Runtime", "Network", "Log"):
            self.send(f"{domain}.enable")

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self.socket.close()
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        shutil.rmtree(self.profile, ignore_errors=True)

    def _page_socket_url(self) -> str:
        port_file = Path(self.profile) / "DevToolsActivePort"
        deadline = time.monotonic() + self.timeout
        while not port_file.exists() or not port_file.read_text().strip():
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise RuntimeError("chromium did not open its DevTools port")
            time.sleep(0.05)
        port = port_file.read_text().split()[0]
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=self.timeout) as answer:
            targets = json.load(answer)
        return next(target["webSocketDebuggerUrl"] for target in targets if target["type"] == "page")

    def send(self, method: str, **params) -> dict:
        """Call a DevTools method and return its result; events that arrive meanwhile are kept."""
        self._next_id += 1
        self.socket.send(json.dumps({"id": self._next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.socket.recv())
            if message.get("id") == self._next_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})
            if "method" in message:
                self.events.append(message)

    def open(self, path: Path, fragment: str = "") -> str:
        """Navigate to a local file (with ``#fragment`` if given) and wait for its load event; returns its URL."""
        url = path.resolve().as_uri() + (f"#{fragment}" if fragment else "")
        self.send("Page.navigate", url=url)
        self.wait_for("document.readyState === 'complete'")
        return url

    def allow_downloads(self, folder: Path) -> None:
        """Save the page's downloads into ``folder`` (headless Chromium refuses them otherwise)."""
        folder.mkdir(parents=True, exist_ok=True)
        self.send("Page.setDownloadBehavior", behavior="allow", downloadPath=str(folder))

    def wait_for_file(self, path: Path, *, timeout: float | None = None) -> bytes:
        """The bytes of ``path`` once a download has finished writing it."""
        deadline = time.monotonic() + (timeout or self.timeout)
        while time.monotonic() < deadline:
            self.drain(0.1)
            guids = {
                event["params"]["guid"]
                for event in self.events
                if event["method"] == "Page.downloadWillBegin"
                and event["params"]["suggestedFilename"] == path.name
            }
            done = any(
                event["method"] == "Page.downloadProgress"
                and event["params"]["guid"] in guids
                and event["params"]["state"] == "completed"
                for event in self.events
            )
            if done and path.exists():
                return path.read_bytes()
        raise TimeoutError(f"no download at {path} after {timeout or self.timeout} s")

    def evaluate(self, expression: str):
        result = self.send("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def page_data(self) -> dict:
        """graph.html's JSON blocks as one: ``links``, and each node's details with its panel's ``more``."""
        return self.evaluate(
            """(() => {
                const block = id => JSON.parse(document.getElementById(id).textContent);
                const data = block('kg-data');
                data.links = block('kg-links');
                block('kg-more').forEach((more, id) => Object.assign(data.details[id], more));
                return data;
            })()"""
        )

    def wait_for(self, expression: str, *, timeout: float | None = None):
        """Poll ``expression`` until it is truthy; raises TimeoutError with the expression."""
        deadline = time.monotonic() + (timeout or self.timeout)
        while time.monotonic() < deadline:
            value = self.evaluate(expression)
            if value:
                return value
            time.sleep(0.05)
        raise TimeoutError(f"still false after {timeout or self.timeout} s: {expression}")

    def type_into(self, selector: str, text: str) -> None:
        """Focus the element, type ``text`` as keyboard input and press Enter."""
        self.evaluate(f"document.querySelector({json.dumps(selector)}).focus()")
        self.send("Input.insertText", text=text)
        for kind in ("keyDown", "keyUp"):
            self.send(
                "Input.dispatchKeyEvent",
                type=kind,
                key="Enter",
                code="Enter",
                windowsVirtualKeyCode=13,
                text="\r",
            )

    def click(self, x: float, y: float) -> None:
        """A left click at viewport coordinates, as a mouse would make it."""
        self.send("Input.dispatchMouseEvent", type="mouseMoved", x=x, y=y)
        for kind in ("mousePressed", "mouseReleased"):
            self.send("Input.dispatchMouseEvent", type=kind, x=x, y=y, button="left", clickCount=1)

    def screenshot(self, path: Path) -> Path:
        data = self.send("Page.captureScreenshot", format="png")["data"]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(data))
        return path

    def drain(self, seconds: float = 0.3) -> None:
        """Collect the events that arrive within ``seconds``."""
        self.socket.settimeout(seconds)
        try:
            while True:
                message = json.loads(self.socket.recv())
                if "method" in message:
                    self.events.append(message)
        except websocket.WebSocketTimeoutException:
            pass
        finally:
            self.socket.settimeout(self.timeout)

    def console_errors(self) -> list[str]:
        """Console errors, uncaught exceptions and browser log errors seen so far."""
        errors = []
        for event in self.events:
            params = event["params"]
            if event["method"] == "Runtime.exceptionThrown":
                errors.append(json.dumps(params["exceptionDetails"])[:500])
            elif event["method"] == "Runtime.consoleAPICalled" and params["type"] in ("error", "assert"):
                errors.append(
                    " ".join(str(arg.get("value", arg.get("description", ""))) for arg in params["args"])
                )
            elif event["method"] == "Log.entryAdded" and params["entry"]["level"] == "error":
                errors.append(params["entry"]["text"])
        return errors

    def requests(self) -> list[str]:
        """The URL of every request the page started, in order."""
        return [
            event["params"]["request"]["url"]
            for event in self.events
            if event["method"] == "Network.requestWillBeSent"
        ]
