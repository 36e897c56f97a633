"""Warms the forkserver that forks the build's mapping workers (``kg.build.pipeline``).

The forkserver imports this module once, before it forks any worker: every worker then starts
with the readers and the mapper imported and the data files' patterns compiled, instead of
paying for both itself on its first document (docs/benchmarks.md, "Mapping workers forked warm").
Importing it maps a short text written here; no file is read but the package's data files.

It starts no thread and takes no lock, so forking from the forkserver stays as safe as before.
What it caches is what a worker caches for its life (data files read once per process), kept
now for the life of the forkserver, which ends with the process that started it. Nothing else
imports this module.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

from ..ingest import SourceDocument
from ..mapping import map_document
from .cache import sorted_quads, trig_block

# A few lines of each kind the extractors look for: a judgement, organisations, a person and a
# role, a quotation, a recommendation, dates.
_TEXT = """Inspection of Anytown local authority children's services
Inspection dates: 4 March 2024 to 8 March 2024
Overall effectiveness: Good
The experiences and progress of children who need help and protection: Requires improvement to be good
Anytown Council and the Anytown Safeguarding Children Partnership work with Anytown Police.
Jane Smith, Director of Children's Services, said: "We welcome the report and its findings."
Inspectors found that multi-agency meetings lacked health colleagues.
Recommendations
1. The partnership should review its multi-agency plan by June 2024.
"""


def _warm() -> None:
    document = SourceDocument("warm-up", Path("warm-up.txt"), _TEXT, "0" * 64)
    mapped = map_document(document)
    trig_block(sorted_quads(mapped.identifier, mapped.triples)[1])


# Warming only saves time: a mapper that fails here fails again on the worker's own documents,
# where the build reports it, rather than killing the forkserver and every worker with it.
with contextlib.suppress(Exception):
    _warm()
