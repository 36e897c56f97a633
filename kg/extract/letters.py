"""People in the set forms of inspection reports and letters: ``org:Membership`` claims.

Three layouts every inspectorate's documents share, read line by line so that they hold
whichever way a PDF reader breaks the lines:

- labelled lines: "Lead inspector: Name, Her Majesty's Inspector", and the team lists of the
  single inspection framework ("Team inspectors: Name, Name, Name", wrapped over lines,
  "Shadow inspectors: ...", "Quality assurance manager: Name");
- the address block of a letter, above "Dear ...": "Name, Role, Organisation" lines (the
  organisation may wrap onto the next line), or a name alone on a line with its role below;
- the signatures below "Yours sincerely": names, role lines and organisation lines, one
  signatory after another or as a grid of columns (the organisations first, then the
  names, then the roles), several inspectorates signing one joint letter.

A signatory or addressee whose role the text does not give is still a person
(``PersonMention``). What each role belongs to: the organisation the line names, else the
organisation of the signature block's column, else the one organisation of the role's
usual class (the inspectorate most named, for inspectors).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from .. import datafiles, lexicon
from ..claims import Membership, Organisation, PersonMention, Span
from ..spans import SpansInOrder
from ..text import Segment, lines
from ..vocab import INSPECTORATE, LOCAL_AUTHORITY
from .names import Name, label, looks_like_person, name_at, post_nominals_end

# The last word of a role written in a layout's own place (a label, an address line).
_ROLE_HEADS = re.compile(
    r"(?i)\b(?:inspectors?|manager|analyst|director|directors|officer|chair|chairman|chairwoman|chairperson|scrutineer|"
    r"executive|constable|commissioner|mayor|lead|head|nurse|doctor|superintendent|councillor|member|leader|ceo|"
    r"secretary|minister|president|adviser|advisor|coordinator|co-ordinator|reviewer|author|principal|headteacher|"
    r"trustee|governor|clerk|caseworker|worker|practitioner)\b"
)
_LABEL = re.compile(r"(?P<label>[A-Z][A-Za-z'’ ]{2,50}?)\s*:\s*")
_SIGN_OFF = re.compile(r"^Yours (?:sincerely|faithfully)\b", re.MULTILINE)
_DEAR = re.compile(r"^Dear\b", re.MULTILINE)
_SIGNATURE_LINES = 40
_ADDRESS_LINES = 30


@dataclass
class _Found:
    memberships: dict[tuple[str, str, str], Membership]
    people: dict[str, PersonMention]

    def add(self, name: Name, role: str | None, organisation: str | None, span: Span) -> None:
        if role and organisation:
            key = (name.text, re.sub(r"\bH(?:is|er) Majesty['’]s\b", "HM", role).lower(), organisation)
            self.memberships.setdefault(key, Membership(name.text, role, organisation, span))
        else:
            self.people.setdefault(name.text, PersonMention(name.text, name.span))


def find_letter_people(
    clean: str, organisations: dict[str, Organisation], resolved: dict[Span, str]
) -> tuple[list[Membership], list[PersonMention]]:
    """Memberships and role-less people of a report's or letter's set forms."""
    found = _Found({}, {})
    document_lines = [line for line in lines(clean) if not line.boilerplate]
    _labelled_lines(clean, document_lines, organisations, resolved, found)
    _address_block(clean, document_lines, organisations, resolved, found)
    _signatures(clean, document_lines, organisations, resolved, found)
    _plural_role_lists(clean, organisations, resolved, found)
    return list(found.memberships.values()), list(found.people.values())


# ---------------------------------------------------------------- labelled lines


def _labelled_lines(clean, document_lines: list[Segment], organisations, resolved, found: _Found) -> None:
    """ "Lead inspector: Name", "Team inspectors: Name, Name, ..." and the role line after a lone name."""
    block_organisation: str | None = None
    in_order = SpansInOrder(resolved)
    for index, line in enumerate(document_lines):
        match = _LABEL.match(clean, line.start, line.end)
        if match is None or not _ROLE_HEADS.search(match.group("label").split()[-1]):
            continue
        role = _singular(match.group("label"))
        named = [key for _, key in in_order.starting(line.start, match.end("label"))]
        if named:  # "HSCP Chair: Name"
            role = _singular(_without_organisations(clean, line.start, match.end("label"), resolved))
        end = line.end
        following = document_lines[index + 1 : index + 4]
        for extra in following:  # a list wrapped over the next lines: "Ann" / "Hale, Tom Marsh"
            wrapped = (
                clean[line.start : end].rstrip().endswith((",", "-"))
                or len(clean[line.start : end].rsplit(",", 1)[-1].split()) == 1
            )
            if ":" in extra.text or not wrapped or not _is_name_list(extra.text):
                break
            end = extra.end
        names = _names_in_list(clean, match.end(), end)
        if not names:
            continue
        organisation = (
            (named[-1] if named else None)
            or _role_organisation(role, organisations, resolved, clean, line)
            or block_organisation
        )
        block_organisation = organisation
        for name, extra_role in names:
            span = Span(line.start, name.span.end)
            found.add(name, role, organisation, span)
            if extra_role:
                found.add(
                    name,
                    extra_role,
                    _role_organisation(extra_role, organisations, resolved, clean, line) or organisation,
                    span,
                )
        if (
            len(names) == 1
            and following
            and ":" not in following[0].text
            and _is_role_line(following[0].text)
        ):  # "Lead inspector: Name" / "Her Majesty's Inspector"
            title = _role_text(following[0].text)
            found.add(
                names[0][0],
                title,
                _role_organisation(title, organisations, resolved, clean, following[0]) or organisation,
                Span(line.start, following[0].end),
            )


def _without_organisations(clean: str, start: int, end: int, resolved) -> str:
    text, position = [], start
    for span in sorted(s for s in resolved if start <= s.start < end):
        text.append(clean[position : span.start])
        position = span.end
    text.append(clean[position:end])
    return re.sub(r"^(?:['’]s\s+)", "", label(" ".join(text)).strip(" ,"))


def _names_in_list(clean: str, start: int, end: int) -> list[tuple[Name, str | None]]:
    """The names of a list ("A, B (AI) and C", "A, HMI, and B HMI"), each with a role that
    follows it in the list or is written short after it."""
    names: list[tuple[Name, str | None]] = []
    parts, position = [], start
    for separator in re.finditer(r"\s*(?:[,;]|\band\b)\s*", clean[start:end]):
        parts.append((position, start + separator.start()))
        position = start + separator.end()
    parts.append((position, end))
    for part_start, part_end in parts:
        text = clean[part_start:part_end].strip()
        offset = part_start + (len(clean[part_start:part_end]) - len(clean[part_start:part_end].lstrip()))
        if not text:
            continue
        name = name_at(clean, offset, offset + len(text))
        if name and _rest_is_empty(clean, name, offset + len(text)):
            names.append((name, _short_role(clean, name.span.end, offset + len(text))))
        elif names and (_is_role_line(text) or text.strip("()") in _abbreviations()):
            names[-1] = (names[-1][0], _abbreviations().get(text.strip("()"), _role_text(text)))
    return names


def _abbreviations() -> Mapping[str, str]:
    return datafiles.roles().abbreviations


def _short_role(clean: str, end: int, limit: int) -> str | None:
    """ "Name HMI", "Name (AI)": a role written short after the name."""
    short = re.match(r"\s*\(?([A-Z]{2,5})\)?", clean[end:limit])
    return _abbreviations().get(short.group(1)) if short else None


def _rest_is_empty(clean: str, name: Name, end: int) -> bool:
    rest = clean[post_nominals_end(clean, name.span.end, end) : end]
    return not rest.strip() or bool(re.fullmatch(r"\s*\((?:[^)]*)\)\s*", rest))


def _is_name_list(text: str) -> bool:
    text = re.sub(r"\s*\([A-Z]{2,5}\)", "", text)
    parts = [p.strip() for p in re.split(r",|\band\b", text) if p.strip()]
    return bool(parts) and all(re.fullmatch(r"(?:[A-Z][\w'’-]*)(?:\s+[A-Z][\w'’-]*){0,3}", p) for p in parts)


def _singular(role: str) -> str:
    role = re.sub(r"\s+", " ", role).strip()
    return (
        role[:-1]
        if role.lower().endswith(
            ("inspectors", "managers", "analysts", "directors", "members", "officers", "chairs", "leads")
        )
        else role
    )


_PLURAL_LINK = re.compile(r"(?:\s+(?:for|on|during|of|at)\s+(?:this|the)\s+\w+)?\s+(?:were|are)\s+")


def _plural_role_lists(clean: str, organisations, resolved, found: _Found) -> None:
    """ "The inspectors were A HMI and B HMI.", "His Majesty's Inspectors for this visit were A and
    B.", "supported by Panel Members, A and B."."""
    plurals = re.finditer(
        r"(?<![\w'’])(?:[A-Z][\w'’]*\s+){0,3}[Ii]nspectors\b|(?<![\w'’])(?:[A-Z][\w'’]*\s+){0,3}[A-Z]\w+s\b(?=,\s)",
        clean,
    )
    for match in plurals:
        link = _PLURAL_LINK.match(clean, match.end()) or re.compile(r",\s+").match(clean, match.end())
        if link is None or not (
            _ROLE_HEADS.search(_singular(match.group().split()[-1]))
            and lexicon.role_regex().search(match.group())
        ):
            continue
        end = clean.find(".", link.end(), link.end() + 200)
        end = end if end > 0 else min(len(clean), link.end() + 200)
        names = _names_in_list(clean, link.end(), end)
        parts = [
            p
            for p in re.split(r"\s*(?:[,;]|\band\b)\s*", clean[link.end() : end])
            if p.strip() and p.strip("() ") not in _abbreviations()
        ]
        if (
            not names
            or len(names) != len(parts)
            or not all(looks_like_person(n.text) or role for n, role in names)
        ):
            continue
        plural = re.sub(r"^(?:The|These|Two|Three)\s+", "", label(match.group()))
        title = _singular(plural) if plural[:1].isupper() and plural.lower() != "inspectors" else None
        for name, short in names:
            role = short or title or "Inspector"
            found.add(
                name,
                role,
                _role_organisation(role, organisations, resolved, clean, None),
                Span(match.start(), name.span.end),
            )


# ---------------------------------------------------------------- the address block


def _address_block(clean, document_lines: list[Segment], organisations, resolved, found: _Found) -> None:
    """The addressees above the first "Dear" of a letter."""
    dear = next(
        (i for i, line in enumerate(document_lines[: _ADDRESS_LINES * 2]) if _DEAR.match(line.text)), None
    )
    if dear is None:
        return
    block = document_lines[max(0, dear - _ADDRESS_LINES) : dear]
    index = 0
    while index < len(block):
        line = block[index]
        name = name_at(clean, line.start, line.end)
        if name is None or not _opens_address_line(clean, name, line, block[index + 1 :]):
            index += 1
            continue
        following = index + 1
        while following < len(block) and block[following].start < name.span.end:  # the name wrapped
            following += 1
        line_end = block[following - 1].end
        rest_start = post_nominals_end(clean, name.span.end, line_end)
        rest_end = line_end
        while (
            following < len(block)
            and not _starts_with_name(clean, block[following])
            and clean[rest_start:rest_end].strip()
        ):
            rest_end = block[
                following
            ].end  # the organisation wraps: "NHS Kernow, Clinical" / "Commissioning Group"
            following += 1
            if following - index > 2:
                break
        if not clean[rest_start:rest_end].strip(" ,"):
            _lone_addressee(clean, name, block[following : following + 4], organisations, resolved, found)
            index += 1
            continue
        _address_line(clean, name, rest_start, rest_end, organisations, resolved, found)
        index = following


def _opens_address_line(clean: str, name: Name, line: Segment, below: list[Segment]) -> bool:
    after = clean[post_nominals_end(clean, name.span.end, line.end) : line.end]
    if after.strip() == "":
        return looks_like_person(name.text) or _has_honorific(clean, line.start, name)
    return after.startswith(",") and (looks_like_person(name.text) or bool(_ROLE_HEADS.search(after)))


def _has_honorific(clean: str, line_start: int, name: Name) -> bool:
    return name.span.start > line_start


def _starts_with_name(clean: str, line: Segment) -> bool:
    name = name_at(clean, line.start, line.end)
    return bool(
        name
        and (
            looks_like_person(name.text)
            or re.match(r",", clean[post_nominals_end(clean, name.span.end, line.end) : line.end])
        )
    )


def _address_line(clean, name: Name, start: int, end: int, organisations, resolved, found: _Found) -> None:
    """ "Name, Role, Organisation": the organisation is the last one the line names; the words
    between the name and it are the role (or roles, "Assistant Director, X, Chair of the Y Board")."""
    inside = sorted((span, key) for span, key in resolved.items() if start <= span.start < end)
    rest = clean[start:end]
    organisation = inside[-1][1] if inside else None
    role_end = inside[-1][0].start if inside else end
    role_text = re.sub(r"\s+", " ", clean[start:role_end]).strip(" ,")
    role_text = re.sub(r"\s+(?:of|for|at)(?: the)?$", "", role_text).strip(" ,")
    if not role_text:
        found.add(name, None, None, name.span)
        return
    roles = [role_text]
    chair = re.search(r",\s*(Chair of .+)$", role_text)
    if chair:  # a second role with its own organisation: "Assistant Director, X, Chair of the Y Board"
        roles = [role_text[: chair.start()].strip(" ,"), chair.group(1)]
    span = Span(name.span.start, end)
    for role in roles:
        own = _organisation_within(role, start + rest.find(role), resolved)
        title = (
            _role_text(role) if own is None else _cut_at_organisation(role, start + rest.find(role), resolved)
        )
        target = own or organisation or _role_organisation(title, organisations, resolved, clean, None)
        found.add(name, title, target, span)


def _organisation_within(role: str, start: int, resolved) -> str | None:
    inside = [key for span, key in sorted(resolved.items()) if start < span.start < start + len(role)]
    return inside[-1] if inside else None


def _cut_at_organisation(role: str, start: int, resolved) -> str:
    first = min(span.start for span in resolved if start < span.start < start + len(role))
    text = role[: first - start]
    return re.sub(r"\s+(?:of|for|at)(?: the)?\s*$", "", text).strip(" ,") or role


def _lone_addressee(clean, name: Name, below: list[Segment], organisations, resolved, found: _Found) -> None:
    """ "Mr Name" alone on a line; the role, if any, on the next ("Executive Director, Families")."""
    if below and _is_role_line(below[0].text):
        role = _role_text(below[0].text)
        organisation = next(
            (
                _organisation_within(line.text, line.start - 1, resolved)
                for line in below[:3]
                if _organisation_within(line.text, line.start - 1, resolved)
            ),
            None,
        )
        organisation = (
            organisation
            or _role_organisation(role, organisations, resolved, clean, None)
            or _most_named(organisations, LOCAL_AUTHORITY)
        )
        if (
            organisation and organisations[organisation].unit_of in organisations
        ):  # the council, not its department
            organisation = organisations[organisation].unit_of
        found.add(name, role, organisation, Span(name.span.start, below[0].end))
        return
    found.add(name, None, None, name.span)


# ---------------------------------------------------------------- signatures


def _signatures(clean, document_lines: list[Segment], organisations, resolved, found: _Found) -> None:
    for index, line in enumerate(document_lines):
        if not _SIGN_OFF.match(line.text):
            continue
        names: list[tuple[Name, Segment]] = []
        roles: list[tuple[str, str | None, Segment]] = []
        columns: list[str] = []
        bracketed: list[tuple[Name, str, Segment]] = []
        for below in document_lines[index + 1 : index + 1 + _SIGNATURE_LINES]:
            kind = _signature_line(clean, below, resolved)
            if kind is None:
                if len(below.text.split()) > 8:
                    break
                continue
            if kind[0] == "name":
                names.append((kind[1], below))
                if kind[2]:  # "Name (Lead Inspector)": a role of its own, beside the role line below
                    bracketed.append((kind[1], kind[2], below))
            elif kind[0] == "role":
                roles.append((kind[1], kind[2], below))
            else:
                columns.extend(kind[1])
        _pair_signatures(clean, names, roles, columns, organisations, resolved, found)
        for name, title, below in bracketed:
            found.add(
                name,
                title,
                _role_organisation(title, organisations, resolved, clean, below),
                Span(name.span.start, below.end),
            )


def _signature_line(clean: str, line: Segment, resolved):
    """("name", Name, bracketed role), ("role", title, organisation) or ("organisations", keys)."""
    inside = [(span, key) for span, key in sorted(resolved.items()) if line.start <= span.start < line.end]
    covered = sum(span.end - span.start for span, _ in inside)
    name = name_at(clean, line.start, line.end)
    if name and not inside:
        rest = clean[post_nominals_end(clean, name.span.end, line.end) : line.end].strip()
        bracket = re.fullmatch(r"\((.+)\)", rest)
        if not rest or bracket:
            return "name", name, bracket.group(1).strip() if bracket else None
    if _is_role_line(line.text):
        organisation = inside[-1][1] if inside and inside[-1][0].end >= line.end - 1 else None
        text = line.text
        if organisation:
            text = clean[line.start : inside[-1][0].start].strip(" ,") or text
        return "role", _role_text(text), organisation
    if inside and covered >= len(line.text.replace(" ", "")) * 0.6:
        return "organisations", [key for _, key in inside]
    return None


def _pair_signatures(clean, names, roles, columns, organisations, resolved, found: _Found) -> None:
    """The i-th name holds the i-th role; its organisation is the role line's, else the i-th
    organisation line's when there are as many as names, else the role's usual one."""
    for position, (name, line) in enumerate(names):
        if not looks_like_person(name.text) and position >= len(roles):
            continue
        if position >= len(roles):
            found.add(name, None, None, name.span)
            continue
        title, organisation, role_line = roles[position]
        if organisation is None and len(columns) == len(names):
            organisation = columns[position]
        organisation = (
            organisation
            or _named_in_role(title, role_line, resolved)
            or _role_organisation(title, organisations, resolved, clean, None)
        )
        span = Span(min(line.start, role_line.start), max(line.end, role_line.end))
        found.add(name, title, organisation, span)


def _named_in_role(title: str, line: Segment, resolved) -> str | None:
    inside = [key for span, key in sorted(resolved.items()) if line.start <= span.start < line.end]
    return inside[-1] if inside else None


# ---------------------------------------------------------------- roles and their organisations


def _is_role_line(text: str) -> bool:
    text = text.strip(" ,.()")
    return (
        0 < len(text.split()) <= 12
        and bool(lexicon.role_regex().match(text) or _ROLE_HEADS.search(text))
        and not text.endswith(":")
    )


def _role_text(text: str) -> str:
    return label(text).strip(" ,.()")


def _role_organisation(
    title: str, organisations: dict[str, Organisation], resolved, clean: str, line: Segment | None
) -> str | None:
    """The organisation a role with no organisation beside it belongs to: the only one of its
    usual class, or for several inspectorates the one the document names most."""
    usual = _usual_class(title)
    if usual is None:
        return None
    return _only(organisations, usual) or _most_named(organisations, usual)


def _usual_class(title: str) -> str | None:
    lowered = title.lower()
    for known, role in sorted(lexicon.role_titles().items(), key=lambda item: -len(item[0])):
        if re.search(rf"\b{re.escape(known)}s?\b", lowered):
            return role.organisation_class
    return INSPECTORATE if re.search(r"\binspectors?\b", lowered) else None


def _of_class(organisations: dict[str, Organisation], cls: str) -> list[str]:
    """The organisations of a class the text names, else those it implies (an inspectorate
    known only as the conductor of the document's inspection)."""
    named = [
        key for key, organisation in organisations.items() if organisation.cls == cls and organisation.spans
    ]
    return named or [key for key, organisation in organisations.items() if organisation.cls == cls]


def _only(organisations: dict[str, Organisation], cls: str) -> str | None:
    matching = _of_class(organisations, cls)
    return matching[0] if len(matching) == 1 else None


def _most_named(organisations: dict[str, Organisation], cls: str) -> str | None:
    ranked = sorted((-len(organisations[key].spans), key) for key in _of_class(organisations, cls))
    return ranked[0][1] if ranked else None
