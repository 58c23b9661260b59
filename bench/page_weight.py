"""Cold-load weight and first paint of public pages on the slow phone profile (issue #16).

Against a running server (``beacon serve`` in development, or the production server):

    .venv/bin/python bench/page_weight.py --base http://127.0.0.1:8000 /report/ /es/report/ /

Each page is opened in a fresh Chromium context (empty cache) at 390 px, with the DevTools
protocol emulating the phone profile: 150 ms round trip, 1.6 Mbps down, 750 kbps up, CPU 4x
slower.  "Transferred" is the sum of ``Network.loadingFinished`` ``encodedDataLength`` (bytes on
the wire: compressed bodies plus headers); "first paint" is the first-contentful-paint entry.
Budget (issue #16): at most 150 KB transferred and 1.5 s first paint for /report/.
"""

from __future__ import annotations

import argparse
from typing import Any

from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
BUDGET_BYTES = 150 * 1024
BUDGET_FCP_MS = 1500


def measure(browser: Any, url: str, headers: dict[str, str] | None = None,
            timeout_ms: float = 90_000) -> tuple[int, float, list[tuple[str, int]]]:
    """One cold load of ``url`` on the phone profile: (bytes transferred, first paint in ms, sizes by URL)."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-US",
                                  extra_http_headers=headers or {})
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    cdp.send("Network.emulateNetworkConditions", {
        "offline": False, "latency": 150, "downloadThroughput": 1_600_000 / 8, "uploadThroughput": 750_000 / 8})
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": 4})
    urls: dict[str, str] = {}
    sizes: dict[str, int] = {}
    cdp.on("Network.requestWillBeSent", lambda e: urls.__setitem__(e["requestId"], e["request"]["url"]))
    cdp.on("Network.loadingFinished", lambda e: sizes.__setitem__(e["requestId"], int(e["encodedDataLength"])))
    try:
        response = page.goto(url, wait_until="load", timeout=timeout_ms)
        if response is None or response.status != 200:
            raise RuntimeError(f"{url} answered {response.status if response else 'nothing'}")
        page.wait_for_timeout(500)
        fcp = float(page.evaluate(
            "() => { const p = performance.getEntriesByName('first-contentful-paint')[0]; return p ? p.startTime : -1; }"))
    finally:
        context.close()
    items = sorted(((urls.get(k, k), v) for k, v in sizes.items()), key=lambda x: -x[1])
    return sum(sizes.values()), fcp, items


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--detail", action="store_true", help="list every response and its size")
    parser.add_argument("paths", nargs="*", default=["/report/"])
    args = parser.parse_args()
    over = 0
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        for path in args.paths:
            total, fcp, items = measure(browser, args.base.rstrip("/") + path)
            ok = total <= BUDGET_BYTES and 0 <= fcp <= BUDGET_FCP_MS
            over += not ok
            print(f"{path}: {total / 1024:.1f} KB transferred, first paint {fcp:.0f} ms"
                  f" ({'within' if ok else 'OVER'} budget {BUDGET_BYTES // 1024} KB / {BUDGET_FCP_MS} ms)")
            if args.detail:
                for url, size in items:
                    print(f"    {size / 1024:8.1f} KB  {url}")
        browser.close()
    return 1 if over else 0


if __name__ == "__main__":
    raise SystemExit(main())
