"""People in the forms of news, statements and press releases: ``org:Membership`` claims.

A candidate is a name that opens with a known given name (``kg/data/given_names.txt``) or
follows an honorific, that no organisation's name contains, and that a role or a set place
confirms:

- an apposition after it: "Name, Role, said", "Name CBE, Role of Org", "– Name, CEO of Org",
  "Name, the Org's independent chair, said", "Name, the county councillor who has had
  responsibility for ...": the role is the apposition's words as the text gives them;
- a role right before it: "Role, Name, said", "Education Secretary Name", "The chair of the
  board, Councillor Name, said";
- a verb that names the role: "chaired by Name", "authored by Name";
- a byline at the top ("Name 28 March 2024", "By Name") or a letter's "Dear Firstname,":
  a person with no role.

"Mr Surname" and a lone first name refer back to a full name and make no new person. A role's
organisation is the one named in its words, else right before it, else the only one of its
usual class in the text (a council for a local role, counting the council and not its
departments), else the national body of a national role (``national_bodies`` in roles.json).
"""

from __future__ import annotations

import re
from functools import cache

from .. import datafiles, lexicon
from ..claims import Membership, Organisation, PersonMention, Span
from ..resolve import resolve_reference
from ..spans import SpansInOrder
from ..text import Segment, lines
from ..vocab import LOCAL_AUTHORITY
from .names import (
    LabelWords,
    Name,
    honorific_before,
    is_plain_name,
    label,
    name_at,
    post_nominals_end,
    surname_particles,
)

_JOB_WORDS = (
    r"(?:chair|chairs|chairman|chairwoman|chairperson|scrutineer|director|executive|ceo|officer|manager|"
    r"councillor|member|leader|secretary|minister|commissioner|president|inspector|constable|superintendent|"
    r"head|lead|nurse|doctor|worker|author|reviewer|barrister|spokesperson|spokesman|spokeswoman|founder|"
    r"trustee|mayor|principal|headteacher|adviser|advisor|coordinator|chief)"
)
_HEADS = re.compile(rf"(?i)\b{_JOB_WORDS}\b")
_APPOSITION = re.compile(r",?\s*[–—-]?\s*,\s*|,\s*")
_SAYING = r"(?:said|says|added|adds|told|explained|commented|wrote|warned|stated|insisted|admitted)"
_APPOSITION_END = re.compile(rf",|\s+{_SAYING}\b|[.;:!?\n]|[–—]|\s-\s")
_BEFORE = re.compile(
    r"(?:^|[.,;:“\"'‘]\s*|\b(?:said|says)\s+)(?P<role>(?:[Tt]he\s+|[Oo]ur\s+|[Ii]ts\s+)?[^,.;:“\"]{2,90}?)(?:,\s*|\s+)$"
)
_VERB_ROLES = {
    "chaired": "Chair",
    "authored": "Author",
    "written": "Author",
    "led": "Lead",
    "scrutinised": "Independent Scrutineer",
    "conducted": "Reviewer",
}
_BYLINE = re.compile(r"(?:By|Written by)\s+")
_BYLINE_ROLE = re.compile(r"\s*(?:[,|–-]\s*[A-Za-z' ]{0,60})?\s*")  # "By Name, Local Democracy Reporter"
_DATE_AFTER = re.compile(r"\s*,?\s*(?:\d{1,2}\s+[A-Z][a-z]+\s+\d{4}|[A-Z][a-z]+\s+\d{1,2},?\s+\d{4})\s*$")
_DEAR_FIRST = re.compile(r"^Dear\s+(?P<first>[A-Z][a-z]+),?\s*$")
_ROLE_WORDS = 16
_SPEAKS = re.compile(r"(?:,[^,.;:\n]{1,80},)?,?\s+(?:said|says|added|told|explained|commented|wrote)\b")
_NEXT_ROLE = re.compile(
    r"\s*(?:,|and)\s*(?:(?:and\s+)?(?:is|was|has been)\s+)?(?:(?:now|formerly|previously)\s+)?(?:the\s+)?"
)
_COPULA = re.compile(
    r",?\s+(?:is|was|has been|became|remains)\s+(?:now\s+)?(?:formerly\s+|previously\s+)?(?:the\s+|a\s+|an\s+)?"
)


def find_quoted_people(
    clean: str, sentences: list[Segment], organisations: dict[str, Organisation], resolved: dict[Span, str]
) -> tuple[list[Membership], list[PersonMention]]:
    """Memberships and role-less people of journalistic forms, each with its span."""
    memberships: dict[tuple[str, str, str], Membership] = {}
    people: dict[str, PersonMention] = {}
    resolved = SpansInOrder(resolved)
    labels = LabelWords(o.label for o in organisations.values())
    named: set[str] = set()  # every full name, for the first names and surnames that refer back
    for sentence in sentences:
        if sentence.boilerplate:
            continue
        by_end = -1  # where the last "chaired by Name [CBE]" ends: "and Name" after it is by the verb too
        for name in _names_in(clean, sentence, resolved, labels):
            if len(name.text.split()) >= 2 and name.text.split()[0] in lexicon.given_names():
                named.add(name.text)
            if _SPEAKS.match(clean, post_nominals_end(clean, name.span.end, sentence.end), sentence.end):
                people.setdefault(
                    name.text, PersonMention(name.text, name.span)
                )  # a speaker, whatever their role
            roles = _roles_of(clean, sentence, name, organisations, resolved)
            if not roles and _appointed(clean, sentence, name):  # "I appointed Name to undertake ..."
                people.setdefault(name.text, PersonMention(name.text, name.span))
            if not roles and (
                _by_verb(clean, sentence, name)
                or (by_end >= 0 and _AND_NAME.fullmatch(clean, by_end, name.span.start))
            ):  # "the inquiry, chaired by Name (and Name)"
                people.setdefault(name.text, PersonMention(name.text, name.span))
                by_end = post_nominals_end(clean, name.span.end, sentence.end)
            for role, organisation, span in roles:
                if organisation:
                    memberships.setdefault(
                        (name.text, role, organisation), Membership(name.text, role, organisation, span)
                    )
                else:
                    people.setdefault(name.text, PersonMention(name.text, name.span))
    _back_references(clean, sentences, organisations, resolved, memberships, people, named)
    found = _bylines(clean, resolved, labels) + _first_names(clean, people, memberships)
    for name in found + _titled_surnames(clean, sentences, resolved, labels, people, memberships, named):
        people.setdefault(name.text, PersonMention(name.text, name.span))
    return list(memberships.values()), list(people.values())


def _names_in(clean: str, sentence: Segment, resolved: SpansInOrder, labels: LabelWords) -> list[Name]:
    found, position = [], sentence.start
    for word in re.finditer(r"(?<![\w'’-])[A-Z][a-z'’]+", clean[sentence.start : sentence.end]):
        start = sentence.start + word.start()
        if start < position:
            continue
        if word.group() not in lexicon.given_names() and not honorific_before(clean, start):
            continue
        name = name_at(clean, start, sentence.end)
        if name is None or not _acceptable(name, resolved, labels):
            continue
        found.append(name)
        position = name.span.end
    return found


def _acceptable(name: Name, resolved: SpansInOrder, labels: LabelWords) -> bool:
    """A plain name, inside no organisation's name in the text, and no whole words of an
    organisation's label."""
    if not is_plain_name(name.text):
        return False
    if resolved.covers(name.span.start):
        return False
    return not labels.hold(name.text)


def _roles_of(clean: str, sentence: Segment, name: Name, organisations, resolved):
    """(role, organisation, span) for each role the sentence gives the name."""
    roles = []
    after = post_nominals_end(clean, name.span.end, sentence.end)
    apposition = _apposition(clean, after, sentence.end)
    if apposition:
        roles.append(apposition)
    if not apposition:
        roles += _copula_roles(clean, after, sentence.end)
        adjacent = (
            lexicon.role_regex().match(clean, after + 1, sentence.end)
            if clean[after : after + 1] == " "
            else None
        )
        if adjacent:  # "Name Minister for Faith" (a caption, a slide)
            roles.append((_tidy(adjacent.group()), Span(adjacent.start(), adjacent.end()), None))
    before = _role_before(clean, sentence, name, resolved)
    if before:
        roles.append(before)
    verb = _by_verb(clean, sentence, name)
    if verb and not _of_an_assessment(clean, max(sentence.start, verb.start() - 80), verb.start(), resolved):
        roles.append((_VERB_ROLES[verb.group("verb")], Span(verb.start(), name.span.end), None))
    result = []
    for role, span, named in roles:
        organisation = named or _organisation_of(clean, role, span, sentence, organisations, resolved, name)
        opening = resolved.first_at(span.start)
        possessive = (
            re.match(r"['’]s?\s+(?:\([A-Z]{2,}\)\s+)?", clean[opening.end : span.end]) if opening else None
        )
        if (
            opening and possessive
        ):  # "Cumbria County Council's chief executive", "the X Partnership's (XSCP) chair"
            role = _tidy(clean[opening.end + possessive.end() : span.end])
        result.append(
            (
                _canonical(clean, role, span, resolved),
                organisation,
                Span(min(span.start, name.span.start), max(span.end, name.span.end)),
            )
        )
    return result


def _copula_roles(clean: str, start: int, limit: int) -> list:
    """ "Name is the Role", "Name was previously Role of X, Role of Y and was previously Role of Z"."""
    roles = []
    copula = _COPULA.match(clean, start, limit)
    position = copula.end() if copula else None
    while position is not None:
        role_end = _APPOSITION_END.search(clean, position, limit)
        text = clean[position : role_end.start() if role_end else limit]
        text = re.split(r"\s+(?:with|since|from|and has|and is|and was|but)\b", text)[0]
        if not (text.strip() and len(text.split()) <= _ROLE_WORDS and lexicon.role_regex().match(text)):
            break
        roles.append((_tidy(text), Span(position, position + len(text.rstrip())), None))
        following = _NEXT_ROLE.match(clean, position + len(text.rstrip()), limit)
        position = following.end() if following else None
    return roles


def _apposition(clean: str, start: int, limit: int):
    """ ", Role, said" (or " – Role – said") after a name: the role's words up to the next comma,
    dash or verb of saying."""
    opening = re.match(r"\s*(?:,|\s[–—-](?=\s))\s*(?:(?:the|our|its)\s+)?", clean[start:limit])
    if opening is None:
        return None
    role_start = start + opening.end()
    end_match = _APPOSITION_END.search(clean, role_start, limit)
    role_end = end_match.start() if end_match else limit
    title = lexicon.role_regex().match(clean, role_start, limit)
    if title and title.end() > role_end:  # "Corporate Director for Children, Young People and Education"
        role_end = title.end()
    text = clean[role_start:role_end]
    if not text.strip() or len(text.split()) > _ROLE_WORDS or not _HEADS.search(text):
        return None
    if re.match(rf"(?:who|which|and|but|as|when|{_SAYING})\b", text):  # "Name, said the ..." is no role
        return None
    return _tidy(text), Span(role_start, role_end), None


@cache
def _honorific_at_end() -> re.Pattern:
    return re.compile(
        r"(?:(?<=\s)|^)(?:" + "|".join(re.escape(h) for h in lexicon.honorifics()) + r")\.?\s+$"
    )


def _role_before(clean: str, sentence: Segment, name: Name, resolved: SpansInOrder):
    """ "Role, Name, said", "Org's chief executive, Name", "The Chief Executive of Org, Name,",
    "Education Secretary Name said", "NSPCC spokesperson Name said"."""
    head = _honorific_at_end().sub("", clean[sentence.start : name.span.start])
    comma = re.search(r"(?:^|[.;:“\"‘(–—]\s*|\b(?:said|says)\s+)(?P<role>[^,.;:“\"‘(–—]{2,120}?),\s*$", head)
    if comma:
        role, start = comma.group("role"), sentence.start + comma.start("role")
        article = list(_INDEFINITE.finditer(role))
        if article:  # "... to work with a children's services commissioner, Name": the role is after "a"
            role, start = role[article[-1].end() :], start + article[-1].end()
        if len(role.split()) <= _ROLE_WORDS and (_HEADS.search(role.split()[-1]) or _unknown_brief(role)):
            return _tidy(role), Span(start, start + len(role)), None
        return _role_of_organisation(clean, Span(start, start + len(role)), resolved)
    run = re.search(r"(?P<role>(?:[A-Z][\w'’-]*\s+){1,4})$", head)
    if run and _HEADS.search(run.group("role").split()[-1]):
        start = sentence.start + run.start("role")
        return _tidy(run.group("role")), Span(start, start + len(run.group("role").rstrip())), None
    return _lower_case_role_of(clean, sentence.start, head, resolved)


_LOWER_CASE_ROLE = re.compile(rf"(?P<role>(?:[a-z][\w'’-]*\s+){{0,3}}{_JOB_WORDS}\s+)$")


def _lower_case_role_of(clean: str, offset: int, head: str, resolved: SpansInOrder):
    """ "NSPCC spokesperson Name", "the county council's safeguarding lead Name": a job in lower
    case right after an organisation's name (or its possessive) and right before the name."""
    run = _LOWER_CASE_ROLE.search(head)
    if run is None:
        return None
    start = offset + run.start("role")
    for named, key in resolved.ending(start - 4, start):
        if re.fullmatch(r"(?:['’]s?)?\s+", clean[named.end : start]):
            return _tidy(run.group("role")), Span(start, start + len(run.group("role").rstrip())), key
    return None


_TO_ORGANISATION = re.compile(r"\s+(?:of|at|for|with|from)\s+(?:the\s+)?$")


def _role_of_organisation(clean: str, span: Span, resolved: SpansInOrder):
    """ "The Director of Children's Services at Kirklees Council, Name,": a role whose words
    end with the organisation it is held in, after "of", "at", "for", "with" or "from"."""
    for named, key in resolved.ending(span.end, span.end + 1):
        link = _TO_ORGANISATION.search(clean, span.start, named.start) if span.start < named.start else None
        if link is None:
            continue
        head = clean[span.start : link.start()]
        if len(head.split()) <= _ROLE_WORDS and (
            _HEADS.search(head.split()[-1])
            or lexicon.role_regex().fullmatch(_tidy(head))
            or _HEAD_THEN_BRIEF.search(head)  # "head of children's services at X"
        ):
            return _tidy(clean[span.start : span.end]), span, key
    return None


# A job word and its brief in lower case: "executive director of children and young people, Name,".
_HEAD_THEN_BRIEF = re.compile(rf"(?i:\b{_JOB_WORDS})\s+(?:of|for)\s+(?:[a-z'’&-]+,?\s+){{0,5}}[a-z'’&-]+$")


def _unknown_brief(role: str) -> bool:
    """A job word and a lower-case brief the gazetteer does not know as one title (a known one,
    "cabinet member for children", is read by the title's own form)."""
    if not _HEAD_THEN_BRIEF.search(role):
        return False
    return not any(match.end() == len(role) for match in lexicon.role_regex().finditer(role))


_INDEFINITE = re.compile(r"\b(?:a|an)\s+")
_REFERENCE_OWNER = re.compile(
    r"(?:[Tt]he\s+)?(?P<owner>[Pp]artnership|[Cc]ouncil|[Bb]oard|[Aa]uthority|[Ll]ocal [Aa]uthority)['’]s\s+"
)


def _canonical(clean: str, role: str, span: Span, resolved: SpansInOrder) -> str:
    """A known title as the gazetteer writes it when the role's words are that title and its
    organisation ("chief executive of Barnardo's" -> "Chief Executive"); else the text's words,
    without an owner referred to ("the council's") or the organisation they end with ("head of
    children's services at X Council" -> "head of children's services")."""
    role = _REFERENCE_OWNER.sub("", role, count=1) if _REFERENCE_OWNER.match(role) else role
    inside = [s for s, _ in resolved.starting(span.start + 1, span.end)]
    text = role
    if inside:
        head = clean[span.start : inside[0].start]
        text = re.sub(r"\s+(?:of|for|at|with|in)(?:\s+the)?\s*$", "", head).strip(" ,") or role
        text = _tidy(text)
    known = lexicon.role_titles().get(label(text).lower())
    if known:
        return known.title
    possessive = re.search(r"['’]s?\s+(?:\([A-Z]{2,}\)\s+)?(?P<rest>[^'’]+)$", role)
    if possessive and _HEADS.search(possessive.group("rest")):  # "the X Partnership's independent scrutineer"
        role = possessive.group("rest")
        known = lexicon.role_titles().get(label(role).lower())
        if known:
            return known.title
    title = lexicon.role_regex().match(role)
    if title and re.match(r"\s+(?:at|in|with)\b", role[title.end() :]):  # "Director of Nursing at NHS X"
        known = lexicon.role_titles().get(title.group().lower())
        return known.title if known else title.group()
    if inside and inside[0].end >= span.end and _TO_ORGANISATION.search(clean, span.start, inside[0].start):
        return label(text)  # "head of children's services at X Council": the words before the organisation
    return role


def _by_verb(clean: str, sentence: Segment, name: Name) -> re.Match | None:
    """ "chaired by Name", "authored by Dr Name": the verb right before the name."""
    verb = _before_name()["by"].search(clean, max(sentence.start, name.span.start - 30), name.span.start)
    return verb if verb and verb.end() == name.span.start else None


_TO_ACT = re.compile(r"\s+(?:to|as)\b")


@cache
def _before_name() -> dict[str, re.Pattern]:
    """The verbs that name a person right after them, any honorifics between: "chaired by (Dr)",
    "appointed (Dr)" (``roles.json`` honorifics)."""
    honorifics = rf"(?:(?:{'|'.join(map(re.escape, lexicon.honorifics()))})\.?\s+)*"
    return {
        "by": re.compile(
            rf"\b(?P<verb>chaired|authored|written|led|scrutinised|conducted) by\s+{honorifics}"
        ),
        "appointing": re.compile(rf"\b(?:appointed|commissioned|asked|invited|instructed)\s+{honorifics}$"),
    }


def _appointed(clean: str, sentence: Segment, name: Name) -> bool:
    """ "The minister appointed Name to undertake an inspection", "commissioned Name as ...":
    a person given a task, who holds no role in an organisation the text names."""
    return bool(
        _before_name()["appointing"].search(clean, max(sentence.start, name.span.start - 40), name.span.start)
        and _TO_ACT.match(clean, post_nominals_end(clean, name.span.end, sentence.end), sentence.end)
    )


_AND_NAME = re.compile(r",?\s+(?:and|&)\s+")
_ASSESSMENT_NOUN = re.compile(
    r"\b(?:inquiry|review|commission|report|investigation|audit|inspection|visit|hearing)s?\b", re.IGNORECASE
)


def _of_an_assessment(clean: str, start: int, verb_start: int, resolved) -> bool:
    """ "The inquiry, chaired by Name": the chair of an inquiry or a review, which is no organisation."""
    nouns = list(_ASSESSMENT_NOUN.finditer(clean, start, verb_start))
    if not nouns:
        return False
    return not any(nouns[-1].end() <= span.start < verb_start for span in resolved)


def _tidy(text: str) -> str:
    text = label(text).strip(" ,")
    return re.sub(r"^(?:[Tt]he|[Oo]ur|[Ii]ts|an?)\s+", "", text)  # "Name, a spokesperson for X"


def _organisation_of(
    clean: str, role: str, span: Span, sentence: Segment, organisations, resolved, name: Name
) -> str | None:
    inside = [key for _, key in resolved.starting(span.start, span.end)]
    if inside:
        return inside[-1]
    if re.match(r"(?:[Oo]ur|[Tt]heir)\s", clean[span.start : span.end]):
        return None  # the publisher's own role: the prose finder knows the publisher
    reference = _REFERENCE_OWNER.match(clean, span.start, span.end)
    if reference:  # "the partnership's independent chair": the one partnership the text names
        return resolve_reference("the " + reference.group("owner"), organisations)
    before = [
        key
        for s, key in resolved.starting(sentence.start, span.start)
        if s.end <= span.start and re.fullmatch(r"(?:['’]s?)?[ \t]*", clean[s.end : span.start])
    ]
    if before:
        return before[-1]
    usual = _usual_class(role)
    matching = [k for k, o in organisations.items() if o.cls == usual and o.spans and o.unit_of is None]
    if usual and len(matching) == 1:
        return matching[0]
    return national_body(role, organisations)


_PORTFOLIO = re.compile(
    r"\b(?:Secretary of State|Minister(?: of State)?) for (?P<portfolio>[A-Z][\w ,'&]+?)\s*$"
)


def _usual_class(role: str) -> str | None:
    lowered = role.lower()
    if re.search(r"\bcouncil(?:'s|’s)?\b", lowered):  # "chair of the council's committee"
        return LOCAL_AUTHORITY
    for known, title in sorted(lexicon.role_titles().items(), key=lambda item: -len(item[0])):
        if title.organisation_class and re.search(rf"\b{re.escape(known)}s?\b", lowered):
            return title.organisation_class
    return LOCAL_AUTHORITY if re.search(r"\b(?:council|children'?s services|cabinet)\b", lowered) else None


def national_body(role: str, organisations: dict[str, Organisation]) -> str | None:
    """The national body a national role belongs to: from the titles of roles.json, else the
    department its portfolio names ("Secretary of State for Communities and Local Government")."""
    lowered = role.lower()
    for body in datafiles.roles().national_bodies:
        # (not "His Majesty's Inspector of Constabulary": another inspectorate's)
        if any(re.search(rf"\b{re.escape(title.lower())}\b(?! of\b)", lowered) for title in body.titles):
            if body.label not in organisations:
                organisations[body.label] = Organisation(body.label, body.organisation_class)
            return body.label
    portfolio = _PORTFOLIO.search(role)
    if portfolio is None:
        return None
    for department in ("Department for ", "Department of ", "Ministry of "):
        found = lexicon.national_by_name().get(lexicon.fold(department + portfolio.group("portfolio")))
        if found is not None:
            organisations.setdefault(found.label, Organisation(found.label, found.cls))
            return found.label
    return None


def _bylines(clean: str, resolved: SpansInOrder, labels: LabelWords) -> list[Name]:
    """A name alone at the top, before a date or after "By" (perhaps with a job title): the
    author, with no role."""
    found = []
    for line in [line for line in lines(clean) if not line.boilerplate][:6]:
        start = line.start
        by = _BYLINE.match(clean, start, line.end)
        if by:
            start = by.end()
        name = name_at(clean, start, line.end)
        if (
            name is None
            or not _acceptable(name, resolved, labels)
            or name.text.split()[0] not in lexicon.given_names()
        ):
            continue
        rest = clean[name.span.end : line.end]
        if (by and _BYLINE_ROLE.fullmatch(rest)) or _DATE_AFTER.fullmatch(rest):
            found.append(name)
    return found


def _first_names(clean: str, people, memberships) -> list[Name]:
    """ "Dear Firstname," naming someone the text names nowhere in full."""
    known_first = {name.split()[0] for name in people} | {key[0].split()[0] for key in memberships}
    found = []
    for line in lines(clean)[:12]:
        match = _DEAR_FIRST.match(line.text)
        if (
            match
            and match.group("first") in lexicon.given_names()
            and match.group("first") not in known_first
        ):
            start = line.start + match.start("first")
            found.append(Name(match.group("first"), Span(start, start + len(match.group("first")))))
    return found


def _titled_surnames(
    clean: str, sentences: list[Segment], resolved, labels: LabelWords, people, memberships, named: set[str]
) -> list[Name]:
    """ "Professor Jay's report", "Lord Laming said": a person named by title and surname alone,
    where no full name of the text has that surname, nor that given name ("Dame Rachel" for
    "Rachel de Souza")."""
    full = set(people) | {key[0] for key in memberships} | named
    surnames = {name.split()[-1] for name in full} | {name.split()[0] for name in full}
    found = []
    for sentence in sentences:
        if sentence.boilerplate:
            continue
        for match in _titled_surname().finditer(clean, sentence.start, sentence.end):
            surname = match.group("surname")
            name = Name(f"{match.group('title')} {surname}", Span(match.start(), match.end("surname")))
            if (
                surname not in surnames
                and not lexicon.area_regex().fullmatch(surname)
                and _acceptable(name, resolved, labels)
            ):
                found.append(name)
    return found


@cache
def _titled_surname() -> re.Pattern:
    titles = "|".join(re.escape(title) for title in datafiles.roles().surname_titles)
    return re.compile(
        rf"\b(?P<title>{titles})\.? (?P<surname>[A-Z][a-z]+(?:-[A-Z][a-z]+)?)"
        rf"(?![\w-]| [A-Z]| (?:{surname_particles()}) [A-Z])"
    )


def _back_references(
    clean: str,
    sentences: list[Segment],
    organisations,
    resolved,
    memberships: dict,
    people: dict,
    named: set[str],
) -> None:
    """ "Dale was previously the Director of X", "Ms Hale is the chair": a first name or an
    honorific and surname standing for a full name found before; their roles go to it."""
    full = {key[0] for key in memberships} | set(people) | named
    forms: dict[str, set[str]] = {}
    for name in full:
        words = name.split()
        if len(words) >= 2:
            forms.setdefault(words[0], set()).add(name)
            forms.setdefault(words[-1], set()).add(name)
    for sentence in sentences:
        for word in re.finditer(
            r"(?<![\w'’-])[A-Z][a-z'’-]+(?![\w'’-])", clean[sentence.start : sentence.end]
        ):
            owners = forms.get(word.group(), set())
            start, end = sentence.start + word.start(), sentence.start + word.end()
            if (
                len(owners) != 1
                or re.match(r"\s+[A-Z]", clean[end : end + 2])
                or (
                    re.search(r"[A-Z][a-z'’-]+\s+$", clean[max(0, start - 20) : start])
                    and not honorific_before(clean, start)
                )
            ):
                continue
            owner = next(iter(owners))
            name = Name(owner, Span(start, end))
            for role, span, _ in _copula_roles(clean, end, sentence.end):
                organisation = _organisation_of(clean, role, span, sentence, organisations, resolved, name)
                if organisation:
                    role = _canonical(clean, role, span, resolved)
                    memberships.setdefault(
                        (owner, role, organisation),
                        Membership(owner, role, organisation, Span(start, span.end)),
                    )
