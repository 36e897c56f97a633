"""The scorer of ``benchmarks/evaluate.py``, importable from tests (benchmarks/ is not a package)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "tests" / "gold"
CORPUS = ROOT / "tests" / "corpus"


def _load_evaluate():
    if "sgkg_evaluate" in sys.modules:
        return sys.modules["sgkg_evaluate"]
    spec = importlib.util.spec_from_file_location("sgkg_evaluate", ROOT / "benchmarks" / "evaluate.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["sgkg_evaluate"] = module
    spec.loader.exec_module(module)
    return module


evaluate = _load_evaluate()
