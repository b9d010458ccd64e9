"""The build-speed benchmark: `.venv/bin/python bench/run.py [S M L] [--runs N]`.

For each project size it measures, as whole processes (interpreter start included) and as
medians of several runs with min and max: the full build (PDF and EPUB of the reader
edition), PDF only, EPUB only, a rebuild with nothing changed, a rebuild with one section
changed (only the laid-out parts it changed are laid out again), the reader EPUB's size, and
the peak RSS of the largest process; and, on the bundled dossier, the time from
saving a section to the page reloaded by `dossier serve` in headless Chromium
(`serve_reload.py`; alone: `--serve-only`). In the same run it measures the baselines:
bare WeasyPrint (`HTML(...).write_pdf()` in a fresh process) on dossier's own final HTML, and
pandoc building an EPUB from the same Markdown. The pairs whose ratio is a goal are
measured in turn: the EPUB path and pandoc at least five times each, the full build and the
PDF alone at least three. dossier's bytecode is compiled first, as pip does when it
installs a package. Results go to stdout and bench/results.json; BENCHMARKS.md is written
from them.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(REPO))

from generate import make  # noqa: E402
from serve_reload import measure_reload  # noqa: E402

PYTHON = sys.executable
#: The EPUB path and pandoc are measured this many times each, in turn (at least)
PAIRED_RUNS = 5
#: The full build and the PDF alone likewise (a minute each on L)
PAIRED_BUILDS = 3
MEASURE = """
import resource, subprocess, sys, time
start = time.perf_counter()
code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode
wall = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
peak = usage.ru_maxrss / 1024
print(f"{wall} {peak} {code} {usage.ru_utime + usage.ru_stime}")
"""
#: CPU seconds (user + system, every process of the command) of the last `measure`
CPU: list[float] = []


def measure(command: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of the largest process the command ran."""
    out = subprocess.run(
        [PYTHON, "-c", MEASURE, *command],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        check=True,
    ).stdout.split()
    if out[2] != "0":
        raise SystemExit(f"failed: {' '.join(command)}")
    CPU.append(float(out[3]))
    return float(out[0]), float(out[1])


def dossier(root: Path, *args: str) -> list[str]:
    return [PYTHON, "-m", "dossier", "build", str(root), "--edition", "reader", "-q", *args]


def pages(root: Path) -> int:
    pdf = next((root / "build").glob("*.pdf"))
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    return int(re.search(r"Pages:\s+(\d+)", info).group(1))  # type: ignore[union-attr]


def bare_html(root: Path, work: Path) -> tuple[Path, dict[str, object]]:
    """dossier's final HTML for the reader PDF, with its virtual URLs made file URLs, so that
    plain WeasyPrint can render it without dossier's fetcher; and the options dossier gives
    WeasyPrint for it (tagged, the edition's PDF standard)."""
    from dossier.config import load_config
    from dossier.editions.assemble import assemble
    from dossier.reading.project import read_project
    from dossier.rendering.environment import make_environment
    from dossier.rendering.formats import PageMap
    from dossier.sandbox.fetcher import GENERATED_ORIGIN, PROJECT_ORIGIN, THEME_ORIGIN
    from dossier.sandbox.files import THEME_DIR
    from dossier.writers.jobs import edition_assets
    from dossier.writers.pdf_render import pdf_options, render_html

    config = load_config(root)
    problems, dossier_, _ = read_project(config)
    book = assemble(dossier_, config.editions["reader"], "0000000000", problems)
    assets = edition_assets(book)
    hints = json.loads((root / "build" / ".dossier" / "pages-reader.json").read_text())
    html = render_html(book, make_environment(config.project), assets, "bench", PageMap(hints))
    if assets.timeline_svg:
        (work / "timeline.svg").write_bytes(assets.timeline_svg)
    html = (
        html.replace(PROJECT_ORIGIN, root.as_uri() + "/")
        .replace(THEME_ORIGIN, THEME_DIR.as_uri() + "/")
        .replace(GENERATED_ORIGIN, work.as_uri() + "/")
    )
    path = work / "final.html"
    path.write_text(html)
    return path, pdf_options(book)


def _result(samples: list[tuple[float, float]], cpu: list[float]) -> dict[str, float]:
    return {
        **summary([s[0] for s in samples]),
        "peak_mib": max(s[1] for s in samples),
        "cpu": statistics.median(cpu),
    }


def summary(values: list[float]) -> dict[str, float]:
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


def bench(size: str, runs: int, work: Path, skip: set[str] = frozenset()) -> dict[str, object]:
    root = make(size, work / f"project-{size}")
    print(f"== {size}", flush=True)
    cold, _ = measure(dossier(root, "--force"))  # first build: no page-number hints yet
    result: dict[str, object] = {
        "pages": pages(root),
        "cold_full": cold,
        "epub_kib": next((root / "build").glob("*.epub")).stat().st_size / 1024,
    }
    cases = {
        "full": lambda: measure(dossier(root, "--force")),
        "pdf": lambda: measure(dossier(root, "--force", "--format", "pdf")),
        "epub": lambda: measure(dossier(root, "--force", "--format", "epub")),
    }
    html, options = bare_html(root, work)
    out = work / f"bare-{size}.pdf"
    bare = [  # the same options as dossier's own render: tagged, the same PDF standard
        PYTHON,
        "-c",
        f"from weasyprint import HTML; HTML({str(html)!r}).write_pdf({str(out)!r}, **{options!r})",
    ]
    cases["bare_weasyprint"] = lambda: measure(bare)
    markdown = [str(root / s) for s in _sections(root)]
    epub = work / f"pandoc-{size}.epub"
    pandoc = [
        "pandoc",
        "--citeproc",
        f"--bibliography={root / 'sections' / 'sources.yaml'}",
        "--toc",
        "--metadata",
        f"title=Benchmark {size}",
        "-o",
        str(epub),
        *markdown,
    ]
    if shutil.which("pandoc"):
        cases["pandoc_epub"] = lambda: measure(pandoc)
    # pairs whose ratio is a goal: measured in turn (ABBA), several times, so that a passing
    # load falls on both alike
    pairs = [(("epub", "pandoc_epub"), PAIRED_RUNS), (("full", "pdf"), PAIRED_BUILDS)]
    paired = {n for names, _ in pairs for n in names if n in cases and n not in skip}
    for name, case in cases.items():
        if name in skip or name in paired:
            continue
        CPU.clear()
        samples = [case() for _ in range(runs)]
        result[name] = _result(samples, CPU)
        print(f"  {name}: {result[name]}", flush=True)
    for names, count in pairs:
        present = [n for n in names if n in paired]
        turns: dict[str, tuple[list[tuple[float, float]], list[float]]] = {
            n: ([], []) for n in present
        }
        for turn in range(max(runs, count)):
            for name in present if turn % 2 == 0 else present[::-1]:
                CPU.clear()
                turns[name][0].append(cases[name]())
                turns[name][1].extend(CPU)
        for name, (samples, cpu) in turns.items():
            result[name] = _result(samples, cpu)
            print(f"  {name}: {result[name]}", flush=True)
    measure(dossier(root))
    nochange = [measure(dossier(root)) for _ in range(max(runs, 5))]
    result["nochange"] = {
        **summary([s[0] for s in nochange]),
        "peak_mib": max(s[1] for s in nochange),
    }
    CPU.clear()
    changed = []
    section = root / _sections(root)[1]
    original = section.read_text()
    for i in range(runs):
        section.write_text(original + f"\nAn added sentence, number {i}.\n")
        changed.append(measure(dossier(root)))
    section.write_text(original)
    result["onechange"] = {
        **summary([s[0] for s in changed]),
        "peak_mib": max(s[1] for s in changed),
        "cpu": statistics.median(CPU),
    }
    print(f"  nochange: {result['nochange']}\n  onechange: {result['onechange']}", flush=True)
    return result


COPIES = 50


def bundled_with_recipients(work: Path, count: int) -> Path:
    """The bundled dossier's files in `work`, with a recipients file of `count` fictional
    recipients for its briefing-copies edition."""
    root = work / "bundled"
    for name in ("dossier.toml", "sections", "styles", "internal"):
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, root / name)
        else:
            root.mkdir(parents=True, exist_ok=True)
            shutil.copy(source, root / name)
    rows = ["id,name,organisation,note"] + [
        f"r{n:03d},Recipient {n},Example Organisation {n % 7},Fictional benchmark row {n}"
        for n in range(1, count + 1)
    ]
    (root / "internal" / "recipients.csv").write_text("\n".join(rows) + "\n")
    return root


def bench_copies(runs: int, work: Path) -> dict[str, object]:
    """50 numbered copies of the bundled briefing (laid out once, stamped 50 times) against
    one build of the briefing, both PDF only, both with `--force`."""
    root = bundled_with_recipients(work, COPIES)
    print(f"== {COPIES} copies of the bundled briefing", flush=True)

    def build(edition: str, *formats: str) -> list[str]:
        command = [PYTHON, "-m", "dossier", "build", str(root), "--edition", edition, "-q"]
        return [*command, "--force", *(a for f in formats for a in ("--format", f))]

    measure(build("briefing", "pdf"))  # page-number hints for both
    measure(build("briefing-copies", "pdf"))
    cases = {
        "briefing": build("briefing", "pdf"),
        "copies_pdf": build("briefing-copies", "pdf"),
        "copies_pdf_epub": build("briefing-copies"),
    }
    samples: dict[str, list[tuple[float, float]]] = {name: [] for name in cases}
    for _ in range(runs):  # interleaved, so that other load falls on both alike
        for name, command in cases.items():
            samples[name].append(measure(command))
    result: dict[str, object] = {"copies": COPIES}
    for name, values in samples.items():
        result[name] = {**summary([v[0] for v in values]), "peak_mib": max(v[1] for v in values)}
        print(f"  {name}: {result[name]}", flush=True)
    return result


def _sections(root: Path) -> list[str]:
    from dossier.config import load_config

    return load_config(root).section_files()


def machine() -> dict[str, str]:
    import weasyprint

    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory = next(
        (
            line.split()[1]
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        ),
        "0",
    )
    pandoc = subprocess.run(["pandoc", "--version"], capture_output=True, text=True).stdout
    return {
        "cpu": cpu,
        "cores": str(os.cpu_count()),
        "memory_gib": f"{int(memory) / 2**20:.0f}",
        "python": platform.python_version(),
        "weasyprint": weasyprint.__version__,
        "pandoc": pandoc.split("\n")[0],
        "date": time.strftime("%Y-%m-%d"),
        "host": platform.node(),
        "load": " / ".join(f"{x:.1f}" for x in os.getloadavg()),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sizes", nargs="*", default=["S", "M", "L"], help="S, M, L and/or copies")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--skip", action="append", default=[], help="a case not to measure (e.g. bare_weasyprint)"
    )
    parser.add_argument("--output", default=str(REPO / "BENCHMARKS.md"))
    parser.add_argument(
        "--serve-only", action="store_true", help="only the save-to-reload time of dossier serve"
    )
    args = parser.parse_args()
    # dossier as installed: pip compiles a package's bytecode when it installs it; an editable
    # checkout where PYTHONDONTWRITEBYTECODE is set would otherwise compile its 70 modules
    # again in every measured run (0.15 s)
    compileall.compile_dir(REPO / "dossier", quiet=1)
    results: dict[str, object] = {"machine": machine()}
    earlier = HERE / "results.json"
    partial = args.serve_only or set(args.sizes) <= {"copies"}
    if partial and earlier.exists():  # keep the other measurements of the last run
        results = {**json.loads(earlier.read_text()), **results}
    with tempfile.TemporaryDirectory(prefix="dossier-bench-") as work:
        for size in [] if args.serve_only else args.sizes:
            if size == "copies":
                results["copies"] = bench_copies(args.runs, Path(work))
            else:
                results[size] = bench(size, args.runs, Path(work), set(args.skip))
    if args.serve_only or not set(args.sizes) <= {"copies"}:
        print("== dossier serve", flush=True)
        results["serve"] = measure_reload(max(args.runs, 5))
    load = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    results["machine"]["load_after"] = load  # type: ignore[index]
    (HERE / "results.json").write_text(json.dumps(results, indent=1) + "\n")
    from report import write_report

    write_report(results, Path(args.output))
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
