"""The readers: text in every encoding we promise, Markdown, HTML, PDF and Word, and discovery."""

from __future__ import annotations

import codecs
import html
import os
from collections import Counter
from pathlib import Path

import pytest
from fixtures.ingest.samples import (
    PAGE_WITH_BOILERPLATE,
    REPORT_PARAGRAPHS,
    make_docx,
    make_docx_of,
    make_laid_out_pdf,
    make_pdf,
    make_pdf_bomb,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import Graph

from kg.build.pipeline import BuildOptions, build
from kg.errors import InputError
from kg.ingest import DOCUMENT_SUFFIXES, discover, document_id_for, read_document
from kg.readers.dates import normalise_date
from kg.readers.pdf import read_pdf
from kg.vocab import SG

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "ingest"
SEEDS = Path(__file__).resolve().parent.parent / "seeds"
ENGLISH = "The council’s “plan” for children – agreed in 2023 – improved early help for families.\n"


def _write(folder: Path, name: str, data: bytes | str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


# --- plain text and encodings -------------------------------------------------------------


def test_utf8_text_is_the_file_unchanged(tmp_path):
    text = "Title line\r\n\r\n  Indented  text\twith tabs   and trailing spaces   \n" + ENGLISH
    document = read_document(_write(tmp_path, "report.txt", text))
    assert document.text == text
    assert (document.encoding, document.media_type, document.is_extracted) == ("utf-8", "text/plain", False)
    start = document.text.index("“plan”")
    assert document.text[start : start + 6] == "“plan”"


def test_utf8_bom_stays_in_the_text_so_offsets_match_the_file_decoded_as_utf8(tmp_path):
    raw = codecs.BOM_UTF8 + ENGLISH.encode("utf-8")
    document = read_document(_write(tmp_path, "bom.txt", raw))
    assert document.text == raw.decode("utf-8") == "\ufeff" + ENGLISH
    assert document.encoding == "utf-8"


def test_utf16_with_bom_is_decoded(tmp_path):
    document = read_document(_write(tmp_path, "notepad.txt", ENGLISH.encode("utf-16")))
    assert document.text == ENGLISH
    assert document.encoding == "utf-16"


@pytest.mark.parametrize(
    "text",
    [
        "Café – “quoted”",  # short: charset-normalizer alone calls this cp1250
        "naïve façade, £5",
        "The partnership’s report… published — at last.",
        ENGLISH * 20,
    ],
)
def test_windows_1252_text_is_decoded_as_windows_1252(tmp_path, text):
    document = read_document(_write(tmp_path, "legacy.txt", text.encode("cp1252")))
    assert document.text == text
    assert document.encoding == "cp1252"


def test_latin1_text_with_bytes_windows_1252_leaves_undefined(tmp_path):
    text = "Zoë met the señor in Besançon to discuss the review of services for children.\x81"
    document = read_document(_write(tmp_path, "latin.txt", text.encode("latin-1")))
    assert document.text == text
    assert document.encoding == "latin-1"


def test_utf8_with_a_few_stray_windows_1252_bytes_stays_utf8(tmp_path):
    """A UTF-8 file with one pasted Windows-1252 byte: decoding it all as Windows-1252
    would turn every ’ into â€™; only the stray byte is lost (U+FFFD)."""
    raw = ENGLISH.encode("utf-8") * 5 + b"Caf" + b"\xe9 closed.\n"
    document = read_document(_write(tmp_path, "pasted.txt", raw))
    assert document.encoding == "utf-8"
    assert document.text == ENGLISH * 5 + "Caf\ufffd closed.\n"


def test_another_script_is_left_to_charset_detection(tmp_path):
    text = "Отчёт о работе службы защиты детей. Партнёрство рассмотрело планы и решения за прошлый год.\n" * 3
    document = read_document(_write(tmp_path, "cyrillic.txt", text.encode("cp1251")))
    assert document.text == text


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=st.binary(min_size=1, max_size=400))
def test_text_is_always_the_bytes_decoded_with_the_reported_encoding(tmp_path, raw):
    """Whatever a text file holds, a kept document's text regenerates from its bytes."""
    path = _write(tmp_path, "any.txt", raw)
    try:
        document = read_document(path)
    except InputError as error:
        assert str(error).startswith(str(path))
        return
    assert document.text == raw.decode(document.encoding, errors="replace")


def test_markdown_is_unchanged_and_its_first_heading_is_the_title(tmp_path):
    text = "Some preamble\n\n# Eastbridge annual review #\n\nBody text about early help.\n"
    document = read_document(_write(tmp_path, "review.md", text))
    assert document.text == text
    assert (document.title, document.media_type) == ("Eastbridge annual review", "text/markdown")


# --- HTML --------------------------------------------------------------------------------


def test_html_keeps_main_content_title_and_date_and_drops_boilerplate(tmp_path):
    document = read_document(_write(tmp_path, "news.html", PAGE_WITH_BOILERPLATE))
    assert document.title == "Eastbridge partnership publishes its annual report"
    assert document.date == "2024-03-18"
    assert (document.media_type, document.is_extracted) == ("text/html", True)
    assert "SHOULD-NOT-APPEAR" not in document.text
    for furniture in ("Accept all cookies", "Donate", "Download", "Share on", "Skip to main content", "News"):
        assert furniture not in document.text
    for paragraph in REPORT_PARAGRAPHS:
        assert f"\n\n{paragraph}\n\n" in document.text
    assert (
        "\n\n• Health colleagues will join every meeting.\n\n• Plans will be reviewed monthly.\n\n"
        in document.text
    )
    assert "Agency\tActions\n\nPolice\t3" in document.text
    assert document.text.startswith("Eastbridge partnership publishes its annual report\n\n")


def test_a_government_style_news_page_gives_exactly_its_article():
    """A page laid out like a UK government site (cookie banner, breadcrumbs, contents list,
    print link, share links, feedback form, related links, footer): the expected text is
    ``government-news.expected.txt``; the title loses the site name that og:title lacks."""
    page = FIXTURES / "government-news.html"
    document = read_document(page)
    assert document.text == (FIXTURES / "government-news.expected.txt").read_text(encoding="utf-8")
    assert document.title == "Northmere children's services: monitoring visit findings"
    assert document.date == "2022-09-14"
    furniture = (
        "cookies",
        "Skip to",
        "Menu",
        "Search",
        "Home",
        "Contents",
        "Print",
        "Share",
        "useful",
        "Related",
    )
    for words in furniture + ("Privacy", "Download"):
        assert words not in document.text


def test_html_in_windows_1252_with_a_latin1_label_decodes_curly_quotes(tmp_path):
    page = '<html><head><meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1"></head>'
    page += "<body><p>The council’s “plan” – agreed.</p></body></html>"
    document = read_document(_write(tmp_path, "old.htm", page.encode("cp1252")))
    assert document.text == "The council’s “plan” – agreed."


def test_xhtml_encoding_from_its_xml_declaration(tmp_path):
    """Mostly English with a Cyrillic name: undeclared, it would read as Windows-1252."""
    page = '<?xml version="1.0" encoding="windows-1251"?>\n<html xmlns="http://www.w3.org/1999/xhtml">'
    page += (
        "<body><p>The partnership thanked Ольга for her review of the early help services.</p></body></html>"
    )
    document = read_document(_write(tmp_path, "old.xhtml", page.encode("cp1251")))
    assert document.text == "The partnership thanked Ольга for her review of the early help services."


@pytest.mark.parametrize(
    ("head", "body", "date"),
    [
        ('<meta name="DC.date.issued" content="2021-02-03">', "", "2021-02-03"),
        (
            '<script type="application/ld+json">{"@type": "Report", "datePublished": "2020-10"}</script>',
            "",
            "2020-10",
        ),
        ("", '<p>Updated <time datetime="2019-05-06T08:00">6 May</time></p>', "2019-05-06"),
        ("", "<p>Published <time>7 June 2018</time></p>", "2018-06-07"),
        ("", "<p>No date here</p>", None),
    ],
)
def test_html_publication_date_sources(tmp_path, head, body, date):
    page = f"<html><head><title>T</title>{head}</head><body><p>Some text.</p>{body}</body></html>"
    assert read_document(_write(tmp_path, "dated.html", page)).date == date


def test_html_entities_line_breaks_and_preformatted_text(tmp_path):
    """Entities are decoded, a no-break space becomes a plain space, <br> a line break."""
    page = "<body><p>Fish &amp; chips&nbsp;for tea</p><p>Line one<br>Line two</p><pre>  kept\n   as is</pre></body>"
    expected = "Fish & chips for tea\n\nLine one\nLine two\n\n  kept\n   as is"
    assert read_document(_write(tmp_path, "e.html", page)).text == expected


def test_html_list_items_keep_their_bullet_and_hidden_elements_are_dropped(tmp_path):
    """Regression: a bullet was lost when the item's text sat in an inner <p>, and an empty
    item's bullet leaked onto the next paragraph."""
    page = "<body><ul><li><p>One</p></li><li><div><p>Two</p></div></li><li></li></ul><p>After</p>"
    page += '<p hidden>Hidden text</p><span aria-hidden="true">icon</span></body>'
    assert read_document(_write(tmp_path, "list.html", page)).text == "• One\n\n• Two\n\nAfter"


def test_absurdly_nested_json_ld_is_ignored(tmp_path):
    """Regression: json.loads raised RecursionError (not ValueError) and crashed the reader."""
    page = '<html><head><script type="application/ld+json">' + "[" * 100_000 + "]" * 100_000
    page += "</script></head><body><p>Text.</p></body></html>"
    document = read_document(_write(tmp_path, "nested.html", page))
    assert (document.text, document.date) == ("Text.", None)


def test_deeply_nested_html_does_not_overflow_the_stack(tmp_path):
    page = (
        "<html><body>" + "<div>" * 20_000 + "Deep text about services" + "</div>" * 20_000 + "</body></html>"
    )
    assert read_document(_write(tmp_path, "deep.html", page)).text == "Deep text about services"


def test_a_wrapper_whose_class_looks_like_furniture_is_kept(tmp_path):
    page = '<body><div class="layout has-sidebar"><p>All of the real content lives in here.</p></div></body>'
    assert (
        read_document(_write(tmp_path, "wrapped.html", page)).text == "All of the real content lives in here."
    )


# --- PDF ---------------------------------------------------------------------------------


def test_pdf_text_pages_and_metadata(tmp_path):
    pages = [
        "Findings of the review\n\n" + REPORT_PARAGRAPHS[0] + "\n4",
        "The review also found that multi-\nagency meetings lacked safe-\nguarding leads.\nPage 5 of 9",
        "Recommendations follow.",
    ]
    document = read_document(_write(tmp_path, "review.pdf", make_pdf(pages, title="Eastbridge review")))
    assert (document.title, document.date, document.media_type) == (
        "Eastbridge review",
        "2023-11-02",
        "application/pdf",
    )
    assert len(document.page_starts) == 3
    first_words = ["Findings of the review", "The review also found", "Recommendations follow."]
    for start, words in zip(document.page_starts, first_words, strict=True):
        assert document.text[start : start + len(words)] == words
    assert REPORT_PARAGRAPHS[0] in document.text  # wrapped lines are joined back into one paragraph
    assert "multi-agency meetings lacked safeguarding leads." in document.text
    assert "Page 5 of 9" not in document.text and "\n4" not in document.text
    assert document.page_at(document.text.index("safeguarding leads")) == 2
    assert document.page_at(0) == 1 and document.page_at(len(document.text) - 1) == 3


RUNNING = "OFFICIAL - Northmere review"
PAGE_BODIES = [
    "Findings of the review.\nThe partnership met monthly.",
    "Health colleagues were absent.",
    "Plans drifted when staff left.\nManagers did not notice.",
    "Recommendations follow.",
]


def test_pdf_running_headers_and_footers_are_dropped(tmp_path):
    document = read_document(_write(tmp_path, "long.pdf", make_pdf(PAGE_BODIES, running_header=RUNNING)))
    assert document.text == "\n\n".join(PAGE_BODIES)
    assert [document.page_at(document.text.index(body)) for body in PAGE_BODIES] == [1, 2, 3, 4]


@pytest.mark.parametrize(
    "bodies",
    [
        PAGE_BODIES[:2],  # two pages are too few to tell a running header from text
        [f"Section {number}.\nThe text of page {number}." for number in range(1, 5)],  # all alike but digits
    ],
)
def test_pdf_lines_are_kept_when_running_headers_cannot_be_told_apart(tmp_path, bodies):
    document = read_document(_write(tmp_path, "short.pdf", make_pdf(bodies, running_header=RUNNING)))
    assert document.text.count(RUNNING) == len(bodies)
    assert all(body in document.text for body in bodies)


def test_pdf_ligatures_become_letters_and_soft_hyphens_go():
    """Typeset PDFs extract "ﬁ" as one character; the core PDF fonts fpdf2 ships cannot
    draw it, so this checks the page tidying step on the text PDFium gives for such a page."""
    from kg.readers.pdf import _lines, _tidy_pages

    page = "The ﬁndings were signiﬁcant and ﬂawed; a soft\u00adhyphen.\n• one\n– two"
    assert _tidy_pages([_lines(page)]) == [
        "The findings were significant and flawed; a softhyphen.\n• one\n– two"
    ]


def test_a_laid_out_pdf_reads_as_a_reader_expects(tmp_path):
    """Running header and footer gone, each table row's wrapped aspect on one line with its
    grade on the next (before the next row), the name hyphenated at a line end joined with its
    hyphen, "safe-guarding" without, bullets of two symbol fonts as "• ", pages in order."""
    document = read_document(_write(tmp_path, "laid-out.pdf", make_laid_out_pdf()))
    assert document.text == "\n\n".join(
        [
            "Judgement Grade\n"
            "The experiences and progress of children who need help and protection\n"
            "Requires improvement to be good\n"
            "The impact of leaders on social work practice with children and families\n"
            "Inadequate\n"
            "Overall effectiveness Requires improvement to be good\n"
            "The inspection was led by Priya Thomson-Jones, who met safeguarding leads of the multi-agency teams.",
            "What needs to improve\n• Plans for children in care.\n• Supervision of social workers.\n• Help for care leavers.",
            "Partners met monthly.",
            "The report ends here.",
        ]
    )
    assert [
        document.page_at(document.text.index(words))
        for words in ("Judgement", "What", "Partners", "The report")
    ] == [
        1,
        2,
        3,
        4,
    ]


def test_a_pdf_whose_stream_inflates_well_under_the_bomb_limit_is_read():
    """The bomb check (tests/test_bad_input.py) inflates each stream before PDFium does: a
    content stream of 1 MB, far larger than a real report's (0.3 MB at most), is read."""
    assert read_pdf(make_pdf_bomb(inflated_mb=1)).text == "Bomb"


def test_a_pdf_read_twice_gives_the_same_text():
    raw = make_laid_out_pdf()
    assert read_pdf(raw) == read_pdf(raw)


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        # PDFium's mark for a hyphen at a line end (U+FFFE), the two lines already joined.
        (
            "safe\ufffeguarding, multi\ufffeagency, Thomson\ufffeJones, Stoke\ufffeon-Trent, 2015\ufffe16",
            "safeguarding, multi-agency, Thomson-Jones, Stoke-on-Trent, 2015-16",
        ),
        # Bullets of Word's symbol fonts, of newer reports and of an old encoding.
        ("Needs:\n\uf06e one\n\uf0b7two\n\u25fc three\n\x83 four", "Needs:\n• one\n• two\n• three\n• four"),
        # A paragraph number set apart from its text; a footnote mark raised above the line.
        (
            "10.Risks are high in schools4\n, of whom some\n‘drift’ badly.",
            "10. Risks are high in schools4, of whom some ‘drift’ badly.",
        ),
        # A full line wrapped before a capitalised word goes on; a short one (a table row) and a
        # full one ending in a capitalised word (a list of addressees) do not.
        (
            "Plans for older children drifted when a social worker left, as found by the\n"
            "Northmere Safeguarding Children Partnership in its review of cases last year.\n"
            "Overall effectiveness Requires improvement to be good\n"
            "Help for care leavers has improved since the inspection of services by Ofsted\n"
            "Grace Okafor, Director of Children's Services, Eastbridge Borough Council",
            "Plans for older children drifted when a social worker left, as found by the "
            "Northmere Safeguarding Children Partnership in its review of cases last year.\n"
            "Overall effectiveness Requires improvement to be good\n"
            "Help for care leavers has improved since the inspection of services by Ofsted\n"
            "Grace Okafor, Director of Children's Services, Eastbridge Borough Council",
        ),
    ],
)
def test_pdf_line_end_hyphens_bullets_and_broken_lines(page, expected):
    """What PDFium gives for a page of a typeset report, tidied (fpdf2's core fonts cannot draw
    private-use bullets, and fpdf2 never breaks a line inside a paragraph number)."""
    from kg.readers.pdf import _lines, _tidy_pages

    assert _tidy_pages([_lines(page)]) == [expected]


@pytest.mark.parametrize("encryption", ["RC4", "AES_128", "AES_256"])
def test_pdf_with_only_an_owner_password_is_read(tmp_path, encryption):
    raw = make_pdf(
        ["Restricted printing, but anyone may read this report."],
        owner_password="owner",
        encryption=encryption,
    )
    document = read_document(_write(tmp_path, "restricted.pdf", raw))
    assert document.text == "Restricted printing, but anyone may read this report."


def test_pdf_that_needs_a_password_to_open_is_refused_whatever_its_encryption(tmp_path):
    raw = make_pdf(["Secret."], owner_password="owner", user_password="reader", encryption="AES_256")
    with pytest.raises(InputError, match="encrypted PDF that needs a password"):
        read_document(_write(tmp_path, "locked.pdf", raw))


# --- Word --------------------------------------------------------------------------------


def test_docx_body_in_reading_order_with_lists_and_tables(tmp_path):
    document = read_document(_write(tmp_path, "review.docx", make_docx(title="Early help review")))
    assert (document.title, document.date, document.is_extracted) == ("Early help review", "2022-07-14", True)
    assert document.text == "\n\n".join(
        [
            "Review of early help in Eastbridge",
            *REPORT_PARAGRAPHS,
            "• Health colleagues will join every meeting.",
            "Agency\tActions",
            "Police\t3",
            "The partnership will report again next year.",
        ]
    )


def test_docx_without_a_title_property_takes_its_title_paragraph(tmp_path):
    assert (
        read_document(_write(tmp_path, "untitled.docx", make_docx())).title
        == "Review of early help in Eastbridge"
    )


# --- evidence offsets through a whole build -----------------------------------------------


def test_evidence_offsets_index_the_extracted_text_of_html_pdf_and_word(tmp_path):
    """The largest seed, saved as a web page, a PDF and a Word file and built: every
    sg:quote is exactly ``read_document(file).text[sg:start:sg:end]``."""
    seed = max(SEEDS.glob("*.txt"), key=lambda path: path.stat().st_size)
    blocks = [line.strip() for line in seed.read_text(encoding="utf-8").splitlines() if line.strip()]
    inputs = tmp_path / "inputs"
    page = "<html><body><nav>Menu</nav><main>" + "".join(f"<p>{html.escape(block)}</p>" for block in blocks)
    _write(inputs, "as-web-page.html", page + "</main><footer>Footer</footer></body></html>")
    _write(inputs, "as-print.pdf", make_pdf(["\n\n".join(_latin1(block) for block in blocks)]))
    _write(inputs, "as-word.docx", make_docx_of(blocks))
    report = build([inputs], BuildOptions(out_dir=tmp_path / "out", html=False, jobs=1))
    assert (report.documents, report.failures) == (3, [])
    graph = Graph().parse(tmp_path / "out" / "graph.ttl", format="turtle")
    texts = {path.name: read_document(path).text for path in inputs.iterdir()}
    quotes: Counter = Counter()
    for evidence, quote in graph.subject_objects(SG.quote):
        file_name = str(graph.value(graph.value(evidence, SG.inDocument), SG.fileName))
        start, end = int(graph.value(evidence, SG.start)), int(graph.value(evidence, SG.end))
        assert texts[file_name][start:end] == str(quote)
        quotes[file_name] += 1
    assert set(quotes) == set(texts) and min(quotes.values()) > 0


def _latin1(text: str) -> str:
    """The PDF core fonts draw Latin-1 only: typographic quotes and dashes become plain ones."""
    plain = text.translate(str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-"}))
    return plain.encode("latin-1", "replace").decode("latin-1")


# --- discovery ---------------------------------------------------------------------------


def test_discover_walks_folders_skips_hidden_and_unknown_files_and_sorts(tmp_path):
    for name in ["b.txt", "a/report.PDF", "a/deep/er/page.html", "a/notes.md", "c.docx", "d.xhtml"]:
        _write(tmp_path, name, "x")
    for name in [".hidden.txt", ".git/config.txt", "a/~$c.docx", "photo.jpg", "data.csv"]:
        _write(tmp_path, name, "x")
    found = [path.relative_to(tmp_path).as_posix() for path in discover([tmp_path])]
    assert found == ["a/deep/er/page.html", "a/notes.md", "a/report.PDF", "b.txt", "c.docx", "d.xhtml"]


def test_discover_ends_on_symlink_loops_and_lists_each_real_file_once(tmp_path):
    _write(tmp_path, "docs/report.txt", "text")
    os.symlink(tmp_path / "docs", tmp_path / "docs" / "again")  # docs/again -> docs: a loop
    os.symlink(tmp_path, tmp_path / "docs" / "up")  # docs/up -> the root: a bigger loop
    os.symlink(tmp_path / "docs" / "report.txt", tmp_path / "alias.txt")
    assert discover([tmp_path]) == [tmp_path / "alias.txt"]


def test_a_file_named_directly_is_kept_whatever_its_suffix_and_read_by_its_content(tmp_path):
    page = _write(
        tmp_path,
        "saved-page.aspx",
        "<!DOCTYPE html><html><body><nav>Menu</nav><p>Body text.</p></body></html>",
    )
    pdf = _write(tmp_path, "download", make_pdf(["A PDF without a suffix."]))
    assert discover([page, pdf]) == [pdf, page]
    assert read_document(page).text == "Body text."
    assert read_document(pdf).text == "A PDF without a suffix."


def test_every_reader_suffix_is_discovered(tmp_path):
    for suffix in DOCUMENT_SUFFIXES:
        _write(tmp_path, f"file{suffix}", "x")
    assert {path.suffix for path in discover([tmp_path])} == DOCUMENT_SUFFIXES


@pytest.mark.parametrize(
    ("name", "document_id"),
    [
        ("000_abc.txt", "000-abc"),
        ("Annual Report (2023).pdf", "annual-report-2023"),
        ("報告.txt", "document-"),
    ],
)
def test_document_ids_are_slugs_and_never_empty(name, document_id):
    assert document_id_for(Path(name)).startswith(document_id)


def test_document_id_of_an_unsluggable_name_is_stable_and_distinct():
    assert (
        document_id_for(Path("報告.txt"))
        == document_id_for(Path("報告.txt"))
        != document_id_for(Path("議事録.txt"))
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2023-05-04T10:00:00Z", "2023-05-04"),
        ("2023/5/4", "2023-05-04"),
        ("2023-05", "2023-05"),
        ("2023", "2023"),
        ("Thursday, 4th May 2023", "2023-05-04"),
        ("4 Sept 2023", None),
        ("Sep 2023", "2023-09"),
        ("2023-02-30", None),
        ("1066", None),
        ("soon", None),
    ],
)
def test_normalise_date(value, expected):
    assert normalise_date(value) == expected
