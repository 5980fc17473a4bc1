#!/usr/bin/env python3
"""serve_browser.py URL OUT.json [SCREENSHOT.png] -- drive the drsim serve
page in Debian's headless Chromium over the DevTools protocol (through
--remote-debugging-pipe: JSON messages ending in NUL on fds 3 and 4; no
websocket library, nothing downloaded) the way a planner would:

  1. open the page and wait for the first result (the baseline);
  2. focus the slider of standby.aks-prod-dr.warm_nodes and press the right
     arrow key 4 times (1 -> 5 warm nodes): each press is an input event,
     so the page cancels the stale requests and runs the last value;
  3. wait for the result of exactly that override;
  4. write what the page shows to OUT.json: per environment and metric the
     displayed P(meet) text and its exact value (data-p-meet), the verdicts,
     the "copy as command" line, the requests the page saw cancelled, and
     every console error or uncaught exception;
  5. optionally save a PNG screenshot of the page.

Exit status 0 when the steps ran (the caller checks the figures), 1 on a
timeout or protocol failure.
"""
import json
import os
import subprocess
import sys
import tempfile
import time
import base64
import shutil

CHROMIUM = os.environ.get("DRSIM_CHROMIUM", "/usr/bin/chromium")
FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
    "--disable-default-apps", "--disable-extensions", "--disable-breakpad",
    "--no-default-browser-check", "--mute-audio", "--hide-scrollbars",
    # nothing but the local server: no proxy reachable, loopback bypasses it
    "--proxy-server=127.0.0.1:9",   # loopback (the server) bypasses it by default
]


class Browser:
    def __init__(self):
        self.profile = tempfile.mkdtemp(prefix="drsim-chromium-")
        to_r, self.to_w = os.pipe()      # we write commands; Chromium reads fd 3
        self.from_r, from_w = os.pipe()  # Chromium writes fd 4; we read
        cmd = ('exec "$0" "$@" 3<&%d 4>&%d' % (to_r, from_w))
        self.proc = subprocess.Popen(
            ["bash", "-c", cmd, CHROMIUM] + FLAGS +
            ["--remote-debugging-pipe", "--user-data-dir=" + self.profile, "about:blank"],
            pass_fds=(to_r, from_w), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_r)
        os.close(from_w)
        self.buf = b""
        self.next_id = 0
        self.events = []

    def close(self):
        try:
            self.send("Browser.close", timeout=5)
        except Exception:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        shutil.rmtree(self.profile, ignore_errors=True)

    def _read_message(self, deadline):
        import select
        while b"\0" not in self.buf:
            left = deadline - time.time()
            if left <= 0:
                raise TimeoutError("no answer from Chromium")
            r, _, _ = select.select([self.from_r], [], [], left)
            if r:
                chunk = os.read(self.from_r, 65536)
                if not chunk:
                    raise EOFError("Chromium closed the pipe")
                self.buf += chunk
        msg, self.buf = self.buf.split(b"\0", 1)
        return json.loads(msg)

    def send(self, method, params=None, session=None, timeout=30):
        self.next_id += 1
        mid = self.next_id
        m = {"id": mid, "method": method, "params": params or {}}
        if session:
            m["sessionId"] = session
        os.write(self.to_w, json.dumps(m).encode() + b"\0")
        deadline = time.time() + timeout
        while True:
            msg = self._read_message(deadline)
            if msg.get("id") == mid:
                if "error" in msg:
                    raise RuntimeError("%s: %s" % (method, msg["error"]))
                return msg.get("result", {})
            self.events.append(msg)


def main():
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    url, out = sys.argv[1], sys.argv[2]
    shot = sys.argv[3] if len(sys.argv) > 3 else None
    b = Browser()
    try:
        tid = b.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        s = b.send("Target.attachToTarget", {"targetId": tid, "flatten": True})["sessionId"]
        b.send("Runtime.enable", session=s)
        b.send("Page.enable", session=s)
        b.send("Emulation.setDeviceMetricsOverride",
               {"width": 1440, "height": 1100, "deviceScaleFactor": 1, "mobile": False}, session=s)
        b.send("Page.navigate", {"url": url}, session=s)

        def js(expr):
            r = b.send("Runtime.evaluate", {"expression": expr, "returnByValue": True,
                                            "awaitPromise": True}, session=s)
            if "exceptionDetails" in r:
                raise RuntimeError("page script failed: %s" % r["exceptionDetails"])
            return r["result"].get("value")

        def wait(expr, what, timeout=60):
            end = time.time() + timeout
            while time.time() < end:
                try:
                    if js(expr):
                        return
                except RuntimeError:
                    pass
                time.sleep(0.05)
            raise TimeoutError("waiting for " + what)

        wait("document.body && document.body.dataset.state === 'idle' && "
             "Number(document.body.dataset.runs) >= 1", "the first result")
        runs0 = js("Number(document.body.dataset.runs)")
        path = "standby.aks-prod-dr.warm_nodes"
        sel = '.param[data-path="%s"] input[type=range]' % path
        js("(() => { const r = document.querySelector('%s'); r.closest('details').open = true; "
           "r.scrollIntoView(); r.focus(); return document.activeElement === r; })()" % sel)
        for _ in range(4):
            for kind in ("keyDown", "keyUp"):
                b.send("Input.dispatchKeyEvent",
                       {"type": kind, "key": "ArrowRight", "code": "ArrowRight",
                        "windowsVirtualKeyCode": 39, "nativeVirtualKeyCode": 39}, session=s)
        wait("document.body.dataset.state === 'idle' && Number(document.body.dataset.runs) > %d && "
             "JSON.stringify(state.last.overrides) === JSON.stringify(['%s=5'])" % (runs0, path),
             "the result with 5 warm nodes")
        shown = js("""(() => {
          const out = {pmeet: {}, verdicts: {}, change: {}};
          for (const e of document.querySelectorAll('.pmeet'))
            out.pmeet[e.dataset.env + '.' + e.dataset.metric] = {text: e.textContent, value: e.dataset.pMeet};
          for (const e of document.querySelectorAll('.change'))
            out.change[e.closest('.card').dataset.env + '.' + (e.closest('.metric').querySelector('.pmeet').dataset.metric)] = e.dataset.change;
          for (const c of document.querySelectorAll('.card'))
            out.verdicts[c.dataset.env] = c.querySelector('.badge').dataset.verdict;
          out.command = document.getElementById('command').textContent;
          out.slider_text = document.querySelector('.param[data-path="%s"] input[type=text]').value;
          out.charts = document.querySelectorAll('.chart svg path.cur').length;
          out.controls = document.querySelectorAll('.param').length;
          out.result_overrides = state.last.overrides;
          out.runs = state.runs;
          return out; })()""" % path)
        # the search box narrows the controls
        js("(() => { const s = document.getElementById('search'); s.value = 'warm_nodes'; "
           "s.dispatchEvent(new Event('input')); })()")
        shown["visible_after_search"] = js(
            "[...document.querySelectorAll('.param')].filter(r => r.offsetParent !== null)"
            ".map(r => r.dataset.path)")
        js("(() => { const s = document.getElementById('search'); s.value = ''; "
           "s.dispatchEvent(new Event('input')); window.scrollTo(0, 0); })()")
        shown["console_errors"] = [
            e for e in b.events
            if e.get("method") == "Runtime.exceptionThrown" or
            (e.get("method") == "Runtime.consoleAPICalled" and
             e["params"].get("type") in ("error", "assert"))]
        if shot:
            time.sleep(0.3)
            png = b.send("Page.captureScreenshot", {"format": "png"}, session=s)["data"]
            with open(shot, "wb") as f:
                f.write(base64.b64decode(png))
        with open(out, "w") as f:
            json.dump(shown, f, indent=1)
        return 0
    except Exception as e:  # report and fail
        print("serve_browser: %s" % e, file=sys.stderr)
        return 1
    finally:
        b.close()


if __name__ == "__main__":
    sys.exit(main())
