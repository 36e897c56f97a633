"""The interactive graph (placeholder page until the viz issue lands)."""

from __future__ import annotations

import html

from rdflib import Dataset


def render_html(dataset: Dataset) -> str:
    count = len(set(dataset.triples((None, None, None))))
    return f"<!doctype html><title>sgkg</title><p>{html.escape(str(count))} triples</p>\n"
