"""People and the roles they hold: ``org:Membership`` claims.

A person is a capitalised name next to a role title from ``kg/data/roles.json``:
"Name, Role", "Name Role" (slides), "Role: Name", "Role Name", "Our Role, Name", or
"Name, who ... Role at Organisation". The name must start with a known given name or
follow an honorific, which keeps "Independent Scrutineer Headlines" out. A role's
organisation is, in order: the one named right after the role ("Chair, X", "Chief
Officer at X", "(X)"), the one right before it ("X's Lead Member", "HSCP Chair"), the
one shared by a chain ("Chair and Independent Scrutineer HSCP"), the one nearest in
the sentence, and last the document's only organisation of the class the role
usually belongs to.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

from .. import datafiles, lexicon
from ..claims import Membership, Organisation, PersonMention, Span
from ..resolve import resolve_reference
from ..spans import SpansInOrder
from ..text import Segment
from ..vocab import INSPECTORATE, LOCAL_AUTHORITY
from .letters import find_letter_people
from .names import LabelWords, aside, is_plain_name, post_nominals, surname_particles
from .quotes import find_quoted_people, national_body

_SURNAME = r"(?:Mc|Mac|O')?[A-Z][a-zA-Z'-]+"
_GAP_AFTER_ROLE = re.compile(r"[ ,]*\n?(?:(?:at|of|for|with|in)(?: the)? |\()?\Z")
_AND_JOIN = re.compile(r"\s*(?:,|and|&|,\s*and)\s*")
_BRACKET_JOIN = re.compile(r"\s*\([^)\n]{1,40}\)\s*")


@dataclass(frozen=True)
class _Role:
    title: str
    span: Span
    organisation: str | None
    joined_by_and: bool = False  # shares the organisation of the role after it


@cache
def _name() -> re.Pattern:
    """A given name and a surname: "Ann Hale", "Rachel de Souza"."""
    return re.compile(
        rf"(?P<name>[A-Z][a-z]+(?:-[A-Z][a-z]+)?(?: [A-Z]\.)? (?:(?:{surname_particles()}) ){{0,2}}{_SURNAME})"
    )


def find_people(
    clean: str,
    sentences: list[Segment],
    organisations: dict[str, Organisation],
    resolved: dict[Span, str],
    publisher: str | None,
) -> tuple[list[Membership], list[PersonMention]]:
    """Every membership the text states, and the people it names with no role, each with its span.

    The set forms of reports and letters (``letters``) come first; prose adds what they do not
    hold. A person named with a role is never also a role-less mention.
    """
    memberships, people = find_letter_people(clean, organisations, resolved)
    quoted, mentioned = find_quoted_people(clean, sentences, organisations, resolved)
    labels = LabelWords(o.label for o in organisations.values())
    for membership in quoted + find_memberships(clean, sentences, organisations, resolved, publisher):
        if (
            not _said_already(membership, memberships)
            and not labels.hold(membership.person)
            and is_plain_name(membership.person)
        ):
            memberships = [m for m in memberships if not _fuller_title(membership, m)]
            memberships.append(membership)
    with_role = {m.person for m in memberships}
    firsts = {name.split()[0] for name in with_role | {p.name for p in people + mentioned} if " " in name}
    named: set[str] = set()
    kept = []
    for person in people + mentioned:
        if person.name not in with_role and person.name not in named and person.name not in firsts:
            named.add(person.name)
            kept.append(person)
    return memberships, kept


def _said_already(membership: Membership, found: list[Membership]) -> bool:
    """The same person, organisation and role, or a role whose words hold this one's ("CEO" in "CEO of the NSPCC")."""
    role = membership.role.lower().removesuffix("s")
    return any(
        m.person == membership.person
        and m.organisation == membership.organisation
        and re.search(rf"\b{re.escape(role)}", m.role.lower())
        for m in found
    )


_FULLER_TITLE_WORDS = 6


def _fuller_title(membership: Membership, other: Membership) -> bool:
    """The same person's same role in the same organisation, ``membership`` by a fuller title
    that ends with ``other``'s ("Former Children's Commissioner" for "Commissioner"); a long
    clause is no fuller title ("will be supported by Panel Members")."""
    words, others = membership.role.lower().split(), other.role.lower().removesuffix("s").split()
    return (
        membership.person == other.person
        and membership.organisation == other.organisation
        and len(others) < len(words) <= _FULLER_TITLE_WORDS
        and [w.removesuffix("s") for w in words[-len(others) :]] == [w.removesuffix("s") for w in others]
    )


def find_memberships(
    clean: str,
    sentences: list[Segment],
    organisations: dict[str, Organisation],
    resolved: dict[Span, str],
    publisher: str | None,
) -> list[Membership]:
    """Every (person, role, organisation) the text states, each with the span that says it."""
    resolved = SpansInOrder(resolved)
    memberships: dict[tuple[str, str, str], Membership] = {}
    for index, sentence in enumerate(sentences):
        if sentence.boilerplate:
            continue
        for membership in _passive_roles(clean, sentence, organisations, resolved) + _plural_roles(
            clean, sentence, organisations, resolved
        ):
            memberships.setdefault((membership.person, membership.role, membership.organisation), membership)
        for name, name_span, roles in _people_in(
            clean, sentence, sentences[index - 1] if index else None, resolved
        ):
            for role in _with_organisations(
                clean, sentence, roles, organisations, resolved, publisher, name_span
            ):
                if role.organisation is None and name_span.start > role.span.end:
                    # "Chief Superintendent Alan Moss of Norfolk Constabulary"
                    role = _Role(role.title, role.span, _organisation_after(clean, name_span.end, resolved))
                if role.organisation is None:
                    continue
                span = Span(min(name_span.start, role.span.start), max(name_span.end, role.span.end))
                memberships.setdefault(
                    (name, role.title, role.organisation),
                    Membership(name, role.title, role.organisation, span),
                )
    return list(memberships.values())


_CHAIRED_BY = re.compile(
    r"\b(?:is|was|has been|are|were) (?:currently |jointly |independently )?(?P<verb>chaired|scrutinised|scrutinized) by "
)
_WHO_CHAIRS = re.compile(
    r", (?:who|whom)\b[^.;]{0,60}?\b(?P<verb>chairs|chaired|scrutinises|scrutinizes|to scrutinise|to scrutinize|to chair) (?:the |their |its )?"
)
_VERB_ROLES = {
    "chaired": "Chair",
    "chairs": "Chair",
    "to chair": "Chair",
    "to scrutinise": "Independent Scrutineer",
    "to scrutinize": "Independent Scrutineer",
    "scrutinised": "Independent Scrutineer",
    "scrutinized": "Independent Scrutineer",
    "scrutinises": "Independent Scrutineer",
    "scrutinizes": "Independent Scrutineer",
}


_BRIEF = re.compile(r"\s+(?:for|of)\s+")
_PLURAL_ROLE = re.compile(r"(?:\s+(?:for|on|during|of|at)\s+(?:this|the)\s+\w+)?\s+(?:were|are)\s+")


def _plural_roles(clean: str, sentence: Segment, organisations, resolved) -> list[Membership]:
    """ "His Majesty's Inspectors for this visit were A and B", "His Majesty's Inspectors A and B
    carried out the visit": one membership each."""
    found: list[Membership] = []
    for match in _role_matches(clean, sentence.start, sentence.end):
        head = _BRIEF.split(match.group(), maxsplit=1)[0]  # "Inspectors" of "Inspectors for social care"
        if not head.endswith("s") or lexicon.role_titles().get(head.lower()):
            continue
        link = _PLURAL_ROLE.match(clean, match.end(), sentence.end)
        if link is not None:
            names = [
                (link.end() + name.start("name"), name.group("name"))
                for name in _name().finditer(clean[link.end() : sentence.end])
            ]
        else:
            names = _listed_names(clean, match.end(), sentence.end)
        if not names:
            continue
        title = _role_title(head[:-1] + match.group()[len(head) :])  # each holds the role in the singular
        if title is None:
            continue
        usual, fallback = _usual_class(title)
        organisation = (
            _usual_organisation(usual, organisations)
            or _usual_organisation(fallback, organisations)
            or national_body(title, organisations)
        )
        for start, name in names:
            if organisation and _is_person(clean, start, name):
                found.append(Membership(name, title, organisation, Span(match.start(), start + len(name))))
    return found


@lru_cache(maxsize=4)  # a sentence's roles are asked for twice: plural roles, then people
def _role_matches(clean: str, start: int, end: int) -> tuple[re.Match, ...]:
    return tuple(lexicon.role_regex().finditer(clean, start, end))


_FIRST_GAP = re.compile(r",?\s+")
_NEXT_GAP = re.compile(r",\s+(?:and\s+)?|\s+and\s+")


def _listed_names(clean: str, position: int, end: int) -> list[tuple[int, str]]:
    """The names listed right after a plural role ("Inspectors A, B and C"), at least two."""
    names: list[tuple[int, str]] = []
    gap = _FIRST_GAP.match(clean, position, end)
    while gap is not None:
        name = _name().match(clean, gap.end(), end)
        if name is None:
            break
        names.append((name.start("name"), name.group("name")))
        gap = _NEXT_GAP.match(clean, name.end("name"), end)
    return names if len(names) >= 2 else []


def _passive_roles(clean: str, sentence: Segment, organisations, resolved) -> list[Membership]:
    """ "The X Partnership is chaired by Name", "Name, whom the partners appointed to scrutinise their
    work": the role is in the verb; the organisation is the subject or object, else the partnership."""
    found = []
    for match in _CHAIRED_BY.finditer(clean, sentence.start, sentence.end):
        name = _name_after(clean, match.end() - 1, sentence.end)
        role = _VERB_ROLES[match.group("verb")]
        subject = [key for _, key in resolved.starting(sentence.start, match.start())]
        target = subject[-1] if subject else _usual_organisation(_usual_class(role)[0], organisations)
        if name and target:
            found.append(Membership(name[0], role, target, Span(match.start(), name[1].end)))
    for match in _WHO_CHAIRS.finditer(clean, sentence.start, sentence.end):
        name = re.search(rf"{_name().pattern}$", clean[sentence.start : match.start()])
        role = _VERB_ROLES[match.group("verb")]
        target = next((key for _, key in resolved.starting(match.end(), match.end() + 1)), None)
        target = target or _usual_organisation(_usual_class(role)[0], organisations)
        if name and target and _is_person(clean, sentence.start + name.start("name"), name.group("name")):
            start = sentence.start + name.start("name")
            found.append(Membership(name.group("name"), role, target, Span(start, match.end())))
    return found


def _people_in(clean: str, sentence: Segment, previous: Segment | None, resolved):
    """(name, span, roles) for each person named next to a role in the sentence."""
    roles = _roles_in(clean, sentence, resolved)
    people = []
    used: set[int] = set()
    for chain in _chains(clean, roles, resolved):
        first, last = chain[0], chain[-1]
        after = _name_after(clean, last.span.end, sentence.end)
        if (
            after and after[1].start - last.span.end <= 2
        ):  # "Chief Superintendent Alan Moss", "Chair: Grace Okafor"
            candidate = after
        else:
            candidate = (
                _name_before(clean, sentence, first.span.start, previous)
                or after
                or _name_in_clause(clean, sentence, first.span.start)
            )
            if candidate and candidate[1].start in used:
                continue
        if candidate:
            used.add(candidate[1].start)
            people.append((candidate[0], candidate[1], chain))
    return people


def _roles_in(clean: str, sentence: Segment, resolved) -> list[_Role]:
    roles = []
    for match in _role_matches(clean, sentence.start, sentence.end):
        start, end = match.span()
        if resolved.covers(start) and resolved.first_at(start) is None:
            continue  # inside an organisation's name: "Association of Directors of Children's Services"
        suffix = ""
        inner = [span for span, _ in resolved.starting(start + 1, end)]
        if inner:  # "Chair of the HSCP Neglect sub-group": the role stops before the organisation
            cut = max(
                clean.rfind(" of ", start, inner[0].start + 1),
                clean.rfind(" for ", start, inner[0].start + 1),
            )
            end = cut if cut > start else end
            group = _sub_group().match(clean, inner[0].end, sentence.end)
            suffix = " of the" + group.group() if group else ""
        base = _role_title(clean[start:end])
        title = base + suffix if base else None
        if title:
            roles.append(_Role(title, Span(start, end), None))
    return roles


_SMALL_WORDS = frozenset({"of", "for", "and", "the", "in", "with", "to"})


def _role_title(text: str) -> str | None:
    """The role as a label: gazetteer casing for known titles, capitalised words otherwise."""
    title = re.sub(r"\s+", " ", text).strip(" ,")
    title = re.sub(r"\b([Cc])hildren(?:'| )?s\b", r"\1hildren's", title)
    known = lexicon.role_titles().get(title.lower()) or lexicon.role_titles().get(
        title.lower().removesuffix("s")
    )
    if known:
        return known.title
    words = title.split(" ")
    return (
        " ".join(w if w in _SMALL_WORDS or not w[:1].islower() else w[:1].upper() + w[1:] for w in words)
        or None
    )


def _chains(clean: str, roles: list[_Role], resolved) -> list[list[_Role]]:
    """Roles joined by 'and', ',' or a bracket, or listed after their organisations, belong to one person."""
    chains: list[list[_Role]] = []
    for role in roles:
        if chains:
            between = clean[chains[-1][-1].span.end : role.span.start]
            if _AND_JOIN.fullmatch(between) and not (
                "and" not in between and "&" not in between and _name().match(clean, role.span.end + 1)
            ):
                last = chains[-1][-1]
                chains[-1][-1] = _Role(last.title, last.span, last.organisation, joined_by_and=True)
                chains[-1].append(role)
                continue
            gap_start = chains[-1][-1].span.end
            if _BRACKET_JOIN.fullmatch(between) or _is_organisation_gap(between, gap_start, resolved):
                chains[-1].append(role)
                continue
        chains.append([role])
    return chains


def _is_organisation_gap(between: str, start: int, resolved) -> bool:
    """A slide line lists roles after their organisations: "Chair, X Partnership Corporate Director ...";
    ", and" before the next role lists another person ("Name, chief executive of X, and Councillor Name")."""
    names_organisation = bool(resolved.starting(start, start + len(between)))
    return (
        names_organisation
        and not re.search(r",\s*(?:and|&)\s*$", between)
        and len(between) < 80
        and bool(re.fullmatch(r",? ?(?:(?:[A-Z][\w'&-]*|of|for|and|&|the),? ?)+", between))
    )


def _name_before(clean: str, sentence: Segment, role_start: int, previous: Segment | None):
    window_start = sentence.start
    text = clean[window_start:role_start]
    match = re.search(
        rf"{_name().pattern}{_post_nominals()}(?:,? (?:the |our )?|, (?:the |our )?[\w&' -]{{2,80}}?'s? | ?\(| (?:is|was|has been|became|remains|as) (?:the |our |its |an? )?(?:new )?)$",
        text,
    )
    if match is None and previous is not None and text.strip() == "":
        # A signature block: the name on a line above, maybe above other role lines.
        for line_start, line_end in _lines_above(clean, sentence.start, 3):
            match = re.fullmatch(rf"(?:.*\s)?{_name().pattern}\s*", clean[line_start:line_end])
            window_start = line_start
            if match and _is_person(clean, line_start + match.start("name"), match.group("name")):
                break
            match = None
            if not lexicon.role_regex().match(clean, line_start):
                break
    if match and _is_person(clean, window_start + match.start("name"), match.group("name")):
        return match.group("name"), Span(window_start + match.start("name"), window_start + match.end("name"))
    return None


@cache
def _post_nominals() -> str:
    """Honours and asides between a name and its role: "Name OBE, former President of ...",
    "Cllr Name (Labour), cabinet member for ..."."""
    return rf"(?:,? (?:{'|'.join(sorted(post_nominals()))}))*(?:{aside().pattern})?"


_LINK_TO_NAME = re.compile(r"(?::|,)? ?(?:(?:this|last|next) year )?(?:(?:is|was|has been|will be) )?")


def _lines_above(clean: str, start: int, count: int) -> list[tuple[int, int]]:
    """The (start, end) of up to ``count`` non-blank lines above ``start``, nearest first."""
    found: list[tuple[int, int]] = []
    end = start
    while len(found) < count and end > 0:
        line_end = clean.rfind("\n", 0, end)
        if line_end < 0:
            break
        line_start = clean.rfind("\n", 0, line_end) + 1
        if clean[line_start:line_end].strip():
            found.append((line_start, line_end))
        end = line_start
    return found


def _name_after(clean: str, role_end: int, limit: int):
    """ "Role: Name", "Role, Name", "Role Name", "Role this year was [Role] [Honorific] Name",
    "Role ([Honorific] Name)"."""
    if clean.startswith(" (", role_end):
        return _name_in_brackets(clean, role_end + 2, limit)
    link = _LINK_TO_NAME.match(clean, role_end, limit)  # matches everywhere, perhaps nothing
    position = link.end() if link else role_end
    role = lexicon.role_regex().match(clean, position, limit)
    if role and position > role_end:
        position = role.end() + 1
    honorific = _honorific().match(clean[position:limit])
    if honorific:
        position += honorific.end()
    match = _name().match(clean, position, limit)
    if match and _is_person(clean, match.start("name"), match.group("name")):
        return match.group("name"), Span(match.start("name"), match.end("name"))
    return None


def _name_in_brackets(clean: str, position: int, limit: int):
    """ "The Secretary of State for Education (Mrs Name):", as parliamentary records name a minister."""
    honorific = _honorific().match(clean, position, limit)
    match = _name().match(clean, honorific.end() if honorific else position, limit)
    if (
        match
        and clean.startswith(")", match.end())
        and _is_person(clean, match.start("name"), match.group("name"))
    ):
        return match.group("name"), Span(match.start("name"), match.end("name"))
    return None


@cache
def _honorific() -> re.Pattern:
    """An honorific and the space after it: "Dr ", "Mrs. "."""
    return re.compile(r"(?:" + "|".join(re.escape(h) for h in lexicon.honorifics()) + r")\.? ")


def _name_in_clause(clean: str, sentence: Segment, role_start: int):
    """ "Name, who represents ... and Role at X", "Dr Name, who was appointed Role of X": the name
    (after any honorific) opens the sentence's clause."""
    text = clean[sentence.start : role_start]
    match = re.match(rf"\s*(?:{_honorific().pattern})*{_name().pattern}, who\b", text)
    if match and _is_person(clean, sentence.start + match.start("name"), match.group("name")):
        start = sentence.start + match.start("name")
        return match.group("name"), Span(start, start + len(match.group("name")))
    return None


def _is_person(clean: str, start: int, name: str) -> bool:
    """A known given name, an honorific before it, or a name set off by punctuation from its role
    (": Name", ", Name,", "was Name.") whose words are not organisation, area or role words."""
    first = name.split()[0]
    if lexicon.area_regex().search(name) or any(w.lower() in _NOT_NAME_WORDS for w in name.split()):
        return False
    if first in lexicon.given_names():
        return True
    before = clean[max(0, start - 25) : start]
    words = before.split()
    if words and words[-1].rstrip(".") in lexicon.honorifics():
        return True
    end = start + len(name)
    if re.match(r", (?:who|whom)\b", clean[end : end + 7]):
        return True  # "who" and "whom" stand for people
    if _alone_above_a_role(clean, start, end):
        return True
    after = clean[end : end + 1]
    return (
        bool(re.search(r"(?::|,| was| is) ?$", before))
        and after in {",", ".", "", "\n", ";", " "}
        and not lexicon.role_regex().match(clean, end + 1)
    )


def _alone_above_a_role(clean: str, start: int, end: int) -> bool:
    """A signature block: the name is a line of its own and the next line opens with a role."""
    line_start = clean.rfind("\n", 0, start) + 1
    line_end = clean.find("\n", end)
    if line_end < 0 or clean[line_start:start].strip() or clean[end:line_end].strip():
        return False
    return lexicon.role_regex().match(clean, line_end + 1) is not None


_NOT_NAME_WORDS = frozenset(
    [
        "the",
        "this",
        "our",
        "their",
        "council",
        "partnership",
        "board",
        "trust",
        "police",
        "constabulary",
        "service",
        "services",
        "group",
        "children",
        "children's",
        "inspection",
        "review",
        "panel",
        "commission",
        "report",
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "nhs",
        "county",
        "city",
    ]
)


def _with_organisations(clean, sentence, chain, organisations, resolved, publisher, name_span) -> list[_Role]:
    placed = [
        _Role(
            r.title,
            r.span,
            _organisation_after(clean, r.span.end, resolved)
            or _organisation_before(clean, r.span.start, resolved, organisations),
            r.joined_by_and,
        )
        for r in chain
    ]
    result: list[_Role] = []
    following: str | None = None
    for role in reversed(placed):
        organisation = role.organisation or (following if role.joined_by_and else None)
        usual, fallback = _usual_class(role.title)
        organisation = organisation or _nearest_in_sentence(
            sentence, role.span, resolved, organisations, name_span, usual
        )
        organisation = (
            organisation or _our(clean, role.span.start, publisher) or _its(clean, role.span.start, resolved)
        )
        organisation = (
            organisation
            or _usual_organisation(usual, organisations)
            or _usual_organisation(fallback, organisations)
            or national_body(role.title, organisations)
            or (_sole_local_organisation(organisations) if usual is None else None)
        )
        following = organisation
        result.append(_Role(role.title, role.span, organisation))
    listed = next((r.organisation for r in result if r.organisation), None)
    # A role listed with others of the same person takes their organisation when it names none.
    return [r if r.organisation else _Role(r.title, r.span, listed) for r in reversed(result)]


def _sole_local_organisation(organisations: dict[str, Organisation]) -> str | None:
    """The one local organisation the text names, not counting its own departments: the body a
    title of any organisation ("Chief executive Name said") belongs to when the text names no other."""
    local = [
        key
        for key, o in organisations.items()
        if o.spans and o.area is not None and o.unit_of is None and o.cls != INSPECTORATE
    ]
    return local[0] if len(local) == 1 else None


def _organisation_after(clean: str, end: int, resolved) -> str | None:
    for span, key in resolved.starting(end, end + 13):
        if _GAP_AFTER_ROLE.match(clean[end : span.start]):
            return key
    return None


def _organisation_before(clean: str, start: int, resolved, organisations=None) -> str | None:
    for span, key in sorted(resolved.ending(start - 3, start + 1), reverse=True):
        if re.fullmatch(r"(?:'s|')? ?", clean[span.end : start]):
            return key
    reference = re.search(
        r"\b(?:[Tt]he|[Oo]ur|[Ii]ts) (?:[Pp]artnership|[Cc]ouncil|[Bb]oard|[Ff]orce|[Cc]onstabulary)'s? $",
        clean[max(0, start - 30) : start],
    )
    if reference and organisations is not None:
        return resolve_reference(reference.group(), organisations)
    return None


def _nearest_in_sentence(
    sentence, role_span, resolved, organisations, name_span, usual: str | None
) -> str | None:
    inside = [
        (abs(span.start - role_span.start), key)
        for span, key in resolved.starting(sentence.start, sentence.end)
        if organisations[key].cls != INSPECTORATE
        and (usual is None or organisations[key].cls == usual)
        and not (name_span.start <= span.start < name_span.end)
    ]
    return min(inside)[1] if inside else None


def _our(clean: str, role_start: int, publisher: str | None) -> str | None:
    if publisher and re.search(r"\b(?:[Oo]ur|[Tt]heir)\s+$", clean[max(0, role_start - 8) : role_start]):
        return publisher
    return None


def _its(clean: str, role_start: int, resolved) -> str | None:
    """ "Its chief executive": the organisation named last before, within a couple of sentences."""
    if not re.search(r"\b[Ii]ts\s+$", clean[max(0, role_start - 6) : role_start]):
        return None
    before = [(span.start, key) for span, key in resolved.starting(role_start - 300, role_start)]
    return max(before)[1] if before else None


@lru_cache(maxsize=1024)  # asked for every role found, of a few dozen titles
def _usual_class(title: str) -> tuple[str | None, str | None]:
    """The class of organisation a role usually belongs to, and the one it answers to failing that."""
    if re.search(r"\b(?:council|authority)'s\b", title.lower()):  # "chair of the council's ... committee"
        return "LocalAuthority", None
    for known, role in sorted(lexicon.role_titles().items(), key=lambda item: -len(item[0])):
        if known in title.lower():
            if role.organisation_class is None and _council_brief().search(title):
                return LOCAL_AUTHORITY, None  # "director of children's social care"
            return role.organisation_class, role.fallback_class
    return None, None


@cache
def _council_brief() -> re.Pattern:
    """A brief a council's officers and members hold: "director of children's social care"."""
    briefs = "|".join(re.escape(brief).replace("'", "'?") for brief in datafiles.roles().council_briefs)
    return re.compile(rf"(?i)\b(?:for|of)\s+(?:{briefs})\b")


def _usual_organisation(usual: str | None, organisations: dict[str, Organisation]) -> str | None:
    if usual is None:
        return None
    matching = [k for k, o in organisations.items() if o.cls == usual and o.spans and o.unit_of is None]
    return matching[0] if len(matching) == 1 else None


@cache
def _sub_group() -> re.Pattern:
    """A sub-group's name after an organisation's: "Neglect sub-group"."""
    words = "|".join(map(re.escape, datafiles.roles().group_words))
    return re.compile(r"(?:\s+[A-Z][\w-]*)*\s+(?:" + words + r")\b")
