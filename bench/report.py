"""Write BENCHMARKS.md from bench/results.json (`bench/run.py` calls this)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

ROWS = [
    ("full", "Full build, PDF + EPUB (`--force`)"),
    ("pdf", "PDF only"),
    ("epub", "EPUB only"),
    ("nochange", "Rebuild, nothing changed"),
    ("onechange", "Rebuild, one section changed"),
    ("bare_weasyprint", "Baseline: bare WeasyPrint on dossier's final HTML, one process"),
    ("pandoc_epub", "Baseline: pandoc EPUB from the same Markdown (`--citeproc --toc`)"),
]


def _cell(entry: dict[str, float]) -> str:
    return f"{entry['median']:.2f} ({entry['min']:.2f}–{entry['max']:.2f})"


def _ratio(a: float, b: float) -> float:
    return a / b if b else float("inf")


def goals(results: dict[str, Any]) -> list[tuple[str, str, str, bool]]:
    """(goal, measured, limit, met) for every goal of the speed issue."""
    rows = []
    sizes = [s for s in ("S", "M", "L") if s in results]
    per_size = [  # (goal, numerator, denominator, digits, limit)
        ("PDF path vs bare WeasyPrint on the same HTML", "pdf", "bare_weasyprint", 2, 1.05),
        ("full build (PDF + EPUB) vs PDF alone", "full", "pdf", 2, 1.10),
        ("rebuild with nothing changed vs full build", "nochange", "full", 3, 0.05),
    ]
    for goal, numerator, denominator, digits, limit in per_size:
        for size in sizes:
            r = results[size]
            if numerator not in r or denominator not in r:
                continue  # not measured in this run (bench/run.py --skip)
            ratio = _ratio(r[numerator]["median"], r[denominator]["median"])
            rows.append(
                (f"{size}: {goal}", f"{ratio:.{digits}f}×", f"≤ {limit:.2f}×", ratio <= limit)
            )
    for size, limit in (("S", None), ("M", 0.5), ("L", 0.3)):
        if size in results and "onechange" in results[size]:
            r = results[size]
            ratio = _ratio(r["onechange"]["median"], r["full"]["median"])
            cpu = ""
            if "cpu" in r["onechange"] and "cpu" in r["full"]:
                cpu = f" (CPU {_ratio(r['onechange']['cpu'], r['full']['cpu']):.2f}×)"
            rows.append(
                (
                    f"{size}: one section changed vs full build",
                    f"{ratio:.2f}×{cpu}",
                    f"≤ {limit:.1f}×" if limit else "(no goal: laid out in one piece)",
                    limit is None or ratio <= limit,
                )
            )
    if "S" in results and "epub_kib" in results["S"]:
        size = results["S"]["epub_kib"]
        rows.append(
            (
                "S (the bundled dossier): reader EPUB size, every font embedded",
                f"{size:.0f} KiB (was 1,592 KiB)",
                "≤ 350 KiB",
                size <= 350,
            )
        )
    if "copies" in results:
        c = results["copies"]
        ratio = _ratio(c["copies_pdf"]["median"], c["briefing"]["median"])
        rows.append(
            (
                f"{c['copies']} numbered PDF copies of the bundled briefing vs one build of it",
                f"{ratio:.2f}× ({c['copies_pdf']['median']:.1f} s vs "
                f"{c['briefing']['median']:.1f} s)",
                "≤ 2×",
                ratio <= 2,
            )
        )
    if "L" in results and "pandoc_epub" in results["L"]:
        r = results["L"]
        speedup = _ratio(r["pandoc_epub"]["median"], r["epub"]["median"])
        rows.append(("L: EPUB speed-up over pandoc", f"{speedup:.1f}×", "≥ 3×", speedup >= 3))
    if "L" in results and "M" in results:
        m, l_ = results["M"], results["L"]
        page_ratio = l_["pages"] / m["pages"]
        time_ratio = _ratio(l_["full"]["median"], m["full"]["median"])
        rows.append(
            (
                "L/M full-build time ratio vs page ratio "
                f"({l_['pages']}/{m['pages']} = {page_ratio:.2f})",
                f"{time_ratio:.2f} ({time_ratio / page_ratio:.2f}× the page ratio)",
                "≤ 1.1× (linear or better)",
                time_ratio / page_ratio <= 1.1,
            )
        )
        memory = _ratio(l_["full"]["peak_mib"], m["full"]["peak_mib"])
        rows.append(
            (
                "L/M peak memory ratio vs page ratio",
                f"{memory:.2f}",
                "≤ page ratio",
                memory <= page_ratio,
            )
        )
        if "bare_weasyprint" not in l_:
            return rows
        ratio = _ratio(l_["full"]["median"], l_["bare_weasyprint"]["median"])
        rows.append(
            (
                "L: full build vs bare single-process WeasyPrint",
                f"{ratio:.2f}×",
                "≤ 0.6×",
                ratio <= 0.6,
            )
        )
        per_worker = l_["pdf"]["peak_mib"]
        single = l_["bare_weasyprint"]["peak_mib"]
        rows.append(
            (
                "L: peak RSS of the largest process vs one-process WeasyPrint",
                f"{per_worker:.0f} vs {single:.0f} MiB",
                "well below",
                per_worker < 0.75 * single,
            )
        )
    return rows


def serve_goal(results: dict[str, Any]) -> list[tuple[str, str, str, bool]]:
    """The live preview's goal: from saving a file to the page reloaded, at most 1 s."""
    serve = results.get("serve")
    if not serve:
        return []
    measured = (
        f"{serve['median']:.2f} s (the server's rebuild {serve['rebuild_median']:.2f} s, "
        f"CPU {serve['rebuild_cpu_median']:.2f} s; "
        f"load average {serve['load_average']} on {results['machine']['cores']} cores)"
    )
    return [
        (
            "bundled dossier: save to reloaded page (dossier serve)",
            measured,
            "≤ 1 s",
            serve["median"] <= 1.0,
        )
    ]


def write_report(results: dict[str, Any], path: Path) -> None:
    m = results["machine"]
    lines = [
        "# Benchmarks",
        "",
        "Measured by `bench/run.py` (see the README). Every figure is the wall time of a whole",
        "process (interpreter start included), in seconds: the median of the runs, with min–max.",
        "Peak memory is the RSS of the largest process of the build (the main process or one",
        "worker). The first build of each project is measured apart (`cold`): it has no",
        "page-number hints from an earlier layout; the other runs do (`--force` re-renders",
        "everything but keeps those hints, which only decide how many layout passes are needed).",
        "",
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory_gib']} GiB; Python {m['python']}, "
        f"WeasyPrint {m['weasyprint']}, {m['pandoc']}; {m['date']}"
        + (f"; host `{m['host']}`" if m.get("host") else "")
        + ".",
        "",
        *(
            [
                f"Load average (1/5/15 min) before the run: {m['load']}; after: "
                f"{m.get('load_after', '?')}. The machine was shared: absolute times are noisy,",
                "the ratios below compare figures measured in the same run.",
                "",
            ]
            if m.get("load")
            else []
        ),
        "## Goals",
        "",
        "| goal | measured | target | met |",
        "|---|---|---|---|",
    ]
    lines += [
        f"| {g} | {value} | {limit} | {'yes' if met else '**no**'} |"
        for g, value, limit, met in goals(results) + serve_goal(results)
    ]
    lines += ["", "## Measurements", ""]
    sizes = [s for s in ("S", "M", "L") if s in results]
    lines.append("| | " + " | ".join(f"{s} ({results[s]['pages']} pages)" for s in sizes) + " |")
    lines.append("|---|" + "---|" * len(sizes))
    lines.append(
        "| First build (cold) | "
        + " | ".join(
            "–"
            if results[s]["cold_full"] != results[s]["cold_full"]
            else f"{results[s]['cold_full']:.2f}"
            for s in sizes
        )
        + " |"
    )
    if all("epub_kib" in results[s] for s in sizes):
        lines.append(
            "| Reader EPUB size (KiB) | "
            + " | ".join(f"{results[s]['epub_kib']:.0f}" for s in sizes)
            + " |"
        )
    for key, label in ROWS:
        if all(key in results[s] for s in sizes):
            lines.append(f"| {label} | " + " | ".join(_cell(results[s][key]) for s in sizes) + " |")
    lines.append(
        "| Peak RSS of the largest process, full build (MiB) | "
        + " | ".join(f"{results[s]['full']['peak_mib']:.0f}" for s in sizes)
        + " |"
    )
    if all("bare_weasyprint" in results[s] for s in sizes):
        lines.append(
            "| Peak RSS, bare WeasyPrint (MiB) | "
            + " | ".join(f"{results[s]['bare_weasyprint']['peak_mib']:.0f}" for s in sizes)
            + " |"
        )
    cpu = [k for k, _ in ROWS if all("cpu" in results[s].get(k, {}) for s in sizes)]
    if cpu:
        lines += [
            "",
            "CPU seconds (user + system, all processes of the command; less sensitive than",
            "wall time to other load on the machine), median:",
            "",
            "| | " + " | ".join(sizes) + " |",
            "|---|" + "---|" * len(sizes),
        ]
        for key, label in ROWS:
            if key in cpu:
                lines.append(
                    f"| {label} | "
                    + " | ".join(f"{results[s][key]['cpu']:.2f}" for s in sizes)
                    + " |"
                )
    notes = Path(__file__).with_name("NOTES.md")
    if notes.exists():
        lines += ["", notes.read_text().strip()]
    path.write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    here = Path(__file__).resolve().parent
    write_report(
        json.loads((here / "results.json").read_text()),
        here.parent / sys.argv[1] if len(sys.argv) > 1 else here.parent / "BENCHMARKS.md",
    )
