"""The judgement tables of the real inspection reports in ``../shared/real`` (issue 15).

Every grade of a report's own judgement table is read and attached to the right aspect of the
report's own assessment, checked against the corpus gold. The documents are read where they lie
(for measuring only); the test skips where ``../shared/real`` is absent (a plain clone).
"""

from __future__ import annotations

import json

import pytest

from benchmarks import evaluate_real
from benchmarks.evaluate import index_dataset, load_dataset
from kg.build.pipeline import BuildOptions, build

REAL = evaluate_real.SHARED_REAL
pytestmark = [
    pytest.mark.skipif(not (REAL / "gold").is_dir(), reason="../shared/real is not beside the repository"),
    pytest.mark.filterwarnings("ignore::DeprecationWarning"),  # rdflib's SPARQL over a Dataset, per row
]


def _reports_with_tables() -> list[evaluate_real.GoldDocument]:
    if not (REAL / "gold").is_dir():
        return []
    documents = evaluate_real.gold_documents(REAL, "all", [])
    return [d for d in documents if d.gold["assessments"] and d.gold["assessments"][0]["judgements"]]


REPORTS = _reports_with_tables()


@pytest.fixture(scope="module")
def real_index(tmp_path_factory):
    out = tmp_path_factory.mktemp("real")
    build([REAL / "docs" / d.file_name for d in REPORTS], BuildOptions(out_dir=out, html=False, jobs=2))
    return index_dataset(load_dataset(out / "graph.trig"))


def test_the_corpus_has_its_thirteen_graded_reports():
    assert len(REPORTS) == 13


@pytest.mark.parametrize("document", REPORTS, ids=[d.stem for d in REPORTS])
def test_every_grade_of_the_judgement_table_is_read_for_its_aspect(real_index, document):
    view = evaluate_real.real_view(real_index, document.file_name)
    _, paired = evaluate_real._score_assessments(real_index, document.gold, view)
    assert 0 in paired, f"{document.stem}: the report's own assessment was not found"
    own = paired[0].node
    read = {
        (evaluate_real.aspect_families(str(aspect)), grade)
        for judgement in view.judgements
        if own in judgement.facts["assessment"]
        for aspect in judgement.facts["aspect"]
        for grade in judgement.facts["grades"]
    }
    wanted = [
        (evaluate_real.aspect_families(j["aspect"]), j["grade"])
        for j in document.gold["assessments"][0]["judgements"]
    ]
    missing = [
        json.dumps([sorted(families), grade]) for families, grade in wanted if (families, grade) not in read
    ]
    assert not missing, f"{document.stem}: grades not read: {missing}"
