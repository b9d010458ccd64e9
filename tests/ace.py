"""DAISY Ace (EPUB accessibility, installed by scripts/setup into .tools/ace) and EPUBCheck,
run on an EPUB the suite built: counts by impact / severity."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

REPO = Path(__file__).parent.parent
ACE = REPO / ".tools" / "ace" / "bin" / "ace-cli"


def ace(epub: Path) -> dict[str, object]:
    """Run Ace on an EPUB: {'outcome': 'pass'|'fail', 'impacts': {impact: n}, 'findings':
    [(impact, rule, location)], 'report': the raw report}."""
    chromium = shutil.which("chromium")
    if not ACE.exists() or chromium is None:
        pytest.fail("DAISY Ace or chromium is missing: run scripts/setup")
    with tempfile.TemporaryDirectory() as out:
        env = {**os.environ, "PUPPETEER_EXECUTABLE_PATH": chromium}
        subprocess.run(
            [str(ACE), "-s", "-E", "-f", "-o", out, str(epub)],
            env=env,
            capture_output=True,
            timeout=600,
            check=False,  # -E: exit 2 when the outcome is fail; the report says why
        )
        report = json.loads((Path(out) / "report.json").read_text())
    findings = []
    impacts: dict[str, int] = {}
    for group in report.get("assertions", []):
        for assertion in group.get("assertions", []):
            test = assertion["earl:test"]
            impact = test.get("earl:impact", "unknown")
            impacts[impact] = impacts.get(impact, 0) + 1
            pointer = assertion.get("earl:result", {}).get("earl:pointer", {})
            findings.append((impact, test.get("dct:title", ""), str(pointer)[:200]))
    return {
        "outcome": report["earl:result"]["earl:outcome"],
        "impacts": impacts,
        "findings": findings,
        "report": report,
    }


def assert_ace_clean(epub: Path) -> dict[str, object]:
    """Ace reports pass with 0 violations of any impact."""
    result = ace(epub)
    assert result["outcome"] == "pass" and not result["findings"], result["findings"]
    return result
