"""Bugs the annotations showed once mypy checked them (issue 18), each with what broke."""

from __future__ import annotations

from pathlib import Path

from kg.extract import extract
from kg.ingest import SourceDocument

# A report of our own writing: a judgement table, then a sentence that gives an old scale's grade.
REPORT_WITH_TABLE_AND_OLD_GRADE = """Inspection of local authority children's services, Herefordshire

Inspection dates: 3 to 14 October 2022

Judgement                                             Grade
Overall effectiveness                                 Inadequate
The impact of leaders on social work practice         Inadequate

The overall effectiveness of services was judged to be adequate.
"""


def test_an_old_scale_grade_in_a_report_with_a_table_is_skipped_not_a_crash():
    """In a report with a judgement table (prose read for the formal names only), a sentence giving
    an old scale's grade ("judged to be adequate", no judgement) made the extractor return None
    among the judgements, and extraction failed with AttributeError on 'target'."""
    claims = extract(SourceDocument("t", Path("t.txt"), REPORT_WITH_TABLE_AND_OLD_GRADE, "0"))
    grades = {(j.aspect, j.grade) for a in claims.assessments for j in a.judgements}
    assert ("overall effectiveness", "inadequate") in grades
