"""The package's shape: stages import downwards only (the import-linter contract) and no
module, through any chain of imports (function-level ones included), imports itself."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import grimp

REPO = Path(__file__).resolve().parents[2]


def test_no_module_imports_itself_through_a_chain() -> None:
    graph = grimp.build_graph("dossier")
    cycles = [
        (module, imported)
        for module in sorted(graph.modules)
        for imported in sorted(graph.find_modules_directly_imported_by(module))
        if graph.chain_exists(importer=imported, imported=module)
    ]
    assert cycles == []


def test_the_layers_contract_is_kept() -> None:
    lint = Path(sys.executable).parent / "lint-imports"
    run = subprocess.run([str(lint)], cwd=REPO, capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stdout[-2000:]
    assert " 0 broken" in run.stdout


def test_the_contract_lists_every_stage_package() -> None:
    import tomllib

    contract = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["importlinter"]
    layers = {
        name.strip() for layer in contract["contracts"][0]["layers"] for name in layer.split("|")
    }
    package = REPO / "dossier"
    stages = {
        f"dossier.{p.stem if p.is_file() else p.name}"
        for p in package.iterdir()
        if (p.is_dir() and (p / "__init__.py").exists())
        or (p.suffix == ".py" and p.stem not in ("__init__", "__main__"))
    }
    assert stages - layers == set(), "every module and subpackage of dossier has a layer"
