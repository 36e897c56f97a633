"""The gold of the tests (``tests/gold``, ``tests/corpus``) and the scorer they are scored with
(``benchmarks/evaluate.py``, imported as a package: pytest puts the repository on the path)."""

from __future__ import annotations

from pathlib import Path

from benchmarks import evaluate

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "tests" / "gold"
CORPUS = ROOT / "tests" / "corpus"

__all__ = ["CORPUS", "GOLD", "ROOT", "evaluate"]
