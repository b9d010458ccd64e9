"""Save-to-reloaded-page time of `dossier serve` on the bundled dossier: a copy of its
project is served, opened in headless Chromium (Debian's, driven by Playwright) and read at
the chronology; a section is saved with one more sentence, and the clock runs until the
reloaded page shows it, laid out and back at the chronology. Goal: at most 1 s.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
PROJECT = ("dossier.toml", "sections", "styles")
SECTION = "sections/04-return-and-dismissal.md"
GOAL_S = 1.0


def copy_bundled(target: Path) -> Path:
    target.mkdir(parents=True)
    for name in PROJECT:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, target / name)
        else:
            shutil.copy2(source, target / name)
    return target


def start_server(root: Path, log: list[str]) -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "dossier", "serve", str(root), "--port", "0"],
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stderr is not None
    for line in process.stderr:
        if found := re.search(r"at (http://127\.0\.0\.1:\d+/)", line):
            threading.Thread(target=lambda: log.extend(process.stderr or []), daemon=True).start()
            return process, found.group(1)
    raise SystemExit("dossier serve did not start")


def measure_reload(runs: int = 5) -> dict[str, Any]:
    """Seconds from saving a section to the reloaded page showing it: median, min, max."""
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium")
    if chromium is None:
        raise SystemExit("chromium is missing: run scripts/setup")
    with tempfile.TemporaryDirectory(prefix="dossier-serve-bench-") as work:
        root = copy_bundled(Path(work) / "bundled")
        log: list[str] = []
        process, url = start_server(root, log)
        load = os.getloadavg()[0]
        section = root / SECTION
        original = section.read_text()
        samples = []
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=chromium, args=["--no-sandbox"]
                )
                page = browser.new_page(viewport={"width": 1000, "height": 800})
                page.goto(url)
                page.evaluate("document.getElementById('chronology').scrollIntoView()")
                for n in range(runs + 1):  # the first one warms the server's caches up
                    marker = f"Benchmark sentence number {n}."
                    start = time.perf_counter()
                    section.write_text(original + f"\n{marker}\n")
                    page.wait_for_function(
                        f"() => document.readyState === 'complete' && "
                        f"document.body.innerText.includes({marker!r})",
                        polling="raf",
                        timeout=60_000,
                    )
                    if n:
                        samples.append(time.perf_counter() - start)
                    time.sleep(0.5)
                at = page.evaluate(
                    "document.getElementById('chronology').getBoundingClientRect().top"
                )
                browser.close()
        finally:
            section.write_text(original)
            process.send_signal(signal.SIGINT)
            process.wait(timeout=30)
    timed = re.findall(r"page rebuilt in ([\d.]+) s \(CPU ([\d.]+) s\)", "".join(log))
    rebuilds, cpus = [float(t[0]) for t in timed], [float(t[1]) for t in timed]
    result = {
        "median": statistics.median(samples),
        "min": min(samples),
        "max": max(samples),
        "runs": len(samples),
        # the server's own share: reading the project and rendering the page (warm runs)
        "rebuild_median": statistics.median(rebuilds[2:]) if len(rebuilds) > 2 else None,
        "rebuild_cpu_median": statistics.median(cpus[2:]) if len(cpus) > 2 else None,
        "chronology_top_after_reload_px": round(at),
        "load_average": round(max(load, os.getloadavg()[0]), 1),
    }
    print(f"  save to reloaded page (bundled dossier): {result}", flush=True)
    return result


if __name__ == "__main__":
    measure_reload()
