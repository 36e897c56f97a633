"""Benchmark and scoring scripts: each prints figures (docs/benchmarks.md keeps the latest).

A package, so the scripts import each other (``from benchmarks.corpus_generator import
generate``) and the tests import the scorers, with no path tricks. Run them from the project's
environment (``pip install -e '.[test]'`` puts the checkout on the path): ``python -m
benchmarks.build_corpus`` from the repository, or ``python benchmarks/build_corpus.py``.
"""
