"""A corpus of N varied, generated safeguarding documents for the build benchmark and scale tests.

Every text is generated here from templates: fictional people (random given names and
surnames), every area of the mapper's area gazetteer (``kg/data/areas.txt``), and the
layouts the real inputs come in: a partnership's statement on a commission report, an
inspection briefing with graded judgements, a local news page about a joint inspection
(with web boilerplate), a partnership's response to a case review with numbered
recommendations, and a government response to national panel recommendations.
The same seed gives the same corpus, byte for byte. Documents average about 6 KB.

    python benchmarks/corpus_generator.py --documents 50 --out /tmp/corpus
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

from kg.resources import load_lines

GIVEN = [
    "Aisha",
    "Alan",
    "Amelia",
    "Bernadette",
    "Callum",
    "Carys",
    "Deborah",
    "Declan",
    "Eleni",
    "Farah",
    "Gareth",
    "Hannah",
    "Imran",
    "Joanna",
    "Kwame",
    "Lorna",
    "Malik",
    "Niamh",
    "Olu",
    "Priya",
    "Rhys",
    "Saoirse",
    "Tomasz",
    "Ursula",
    "Vikram",
    "Wendy",
    "Yusuf",
    "Zara",
]
SURNAMES = [
    "Ashdown",
    "Brightwell",
    "Carraway",
    "Delacourt",
    "Eastwood",
    "Fairweather",
    "Greenhalgh",
    "Hollins",
    "Ingram",
    "Jessop",
    "Kettering",
    "Lockwood",
    "Merriman",
    "Northcott",
    "Oakley",
    "Pemberton",
    "Quarry",
    "Redfern",
    "Stanhope",
    "Thursby",
    "Underhill",
    "Vane",
    "Whitlock",
    "Yardley",
]
GRADES = ("outstanding", "good", "requires improvement to be good", "inadequate")
ASPECTS = (
    "overall effectiveness",
    "the impact of leaders on social work practice with children and families",
    "the experiences and progress of children who need help and protection",
    "the experiences and progress of children in care and care leavers",
)
HARMS = (
    "domestic abuse",
    "neglect",
    "child sexual abuse",
    "criminal exploitation",
    "parental mental ill health",
    "self-harm",
    "substance misuse",
    "online harm",
    "children missing education",
    "unsafe sleeping",
)
PRACTICE = (
    "the quality of assessments",
    "drift and delay in plans",
    "information sharing between agencies",
    "oversight by senior leaders",
    "high caseloads and staff turnover",
    "early help",
    "hearing the voice of the child",
    "understanding of the family's culture",
    "trauma-informed practice",
)
AGENCIES = (
    "{area} Council",
    "{area} Children's Services",
    "{area} Constabulary",
    "{area} Integrated Care Board",
    "{area} Community Health NHS Trust",
    "{area} Virtual School",
    "the National Probation Service",
)
BOILERPLATE = (
    "Skip to main content",
    "Accept all cookies",
    "Donate",
    "Download the full report (PDF, 1.2 MB)",
    "Share this page",
    "Sign up to our newsletter",
    "Advertise with us",
)
MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def generate(count: int, out_dir: Path, seed: int = 7) -> list[Path]:
    """Write ``count`` documents into ``out_dir`` (created); their paths, in order."""
    out_dir.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    areas = load_lines("areas.txt")
    layouts = (_statement, _inspection, _news, _case_review_response, _government_response)
    paths = []
    for number in range(count):
        area = areas[number % len(areas)]
        text = layouts[number % len(layouts)](rng, area)
        path = out_dir / f"{number:05d}-{_slug(area)}.{'md' if number % 7 == 3 else 'txt'}"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def _slug(text: str) -> str:
    return "-".join("".join(ch if ch.isalnum() else " " for ch in text.lower()).split())


def _person(rng: random.Random) -> str:
    return f"{rng.choice(GIVEN)} {rng.choice(SURNAMES)}"


def _date(rng: random.Random) -> str:
    return f"{rng.randint(1, 28)} {rng.choice(MONTHS)} {rng.randint(2014, 2024)}"


def _agency(rng: random.Random, area: str) -> str:
    return rng.choice(AGENCIES).format(area=area)


def _findings(rng: random.Random, area: str, count: int) -> list[str]:
    sentences = []
    for _ in range(count):
        harm, practice, agency = rng.choice(HARMS), rng.choice(PRACTICE), _agency(rng, area)
        sentences.append(
            rng.choice(
                (
                    f"Inspectors found that {agency} did not consistently recognise the risk of {harm}, and {practice} was weak.",
                    f"Where {harm} was known, {practice} at {agency} left some children in situations of unassessed risk for too long.",
                    f"Practitioners at {agency} showed strong understanding of {harm}, and {practice} has improved since the last visit.",
                    f"There is good multi-agency working on {harm}; {agency} shares information promptly and {practice} is a strength.",
                    f"Leaders at {agency} have not ensured that {practice} is good enough for children affected by {harm}.",
                )
            )
        )
    return sentences


def _paragraphs(rng: random.Random, area: str, count: int) -> str:
    return "\n\n".join(" ".join(_findings(rng, area, rng.randint(4, 6))) for _ in range(2 * count))


def _statement(rng: random.Random, area: str) -> str:
    partnership, chair = f"{area} Safeguarding Children Partnership", _person(rng)
    acronym = "".join(word[0] for word in area.split() if word[0].isupper()) + "SCP"
    return (
        "\n".join(
            (
                f"Publication of the report of the independent commission into families' experience of children's services in {area}",
                f"This statement is made on behalf of the {partnership} ({acronym}).",
                f"As Chair of the {acronym} and Independent Scrutineer, {chair} thanks every family who spoke to the commission panel.",
                _paragraphs(rng, area, 4),
                f"All partners, including {_agency(rng, area)} and {_agency(rng, area)}, are committed to the improvement plan.",
                f"{chair}, Independent Scrutineer, {partnership}, {_date(rng)}",
            )
        )
        + "\n"
    )


def _inspection(rng: random.Random, area: str) -> str:
    lines = [
        f"Inspection of {area} local authority children's services",
        f"Inspection dates: {_date(rng)}",
        "",
    ]
    for aspect in ASPECTS:
        lines.append(f"{aspect[0].upper()}{aspect[1:]}: {rng.choice(GRADES)}")
    lines += [
        "",
        f"The director of children's services, {_person(rng)}, has been in post since {_date(rng)}.",
        _paragraphs(rng, area, 5),
        f"The previous inspection, in {rng.randint(2012, 2019)}, judged services to be {rng.choice(GRADES)}.",
        "What needs to improve:",
    ]
    lines += [
        f"{n}. {rng.choice(PRACTICE).capitalize()} for children at risk of {rng.choice(HARMS)}."
        for n in range(1, rng.randint(3, 7))
    ]
    return "\n".join(lines) + "\n"


def _news(rng: random.Random, area: str) -> str:
    noise = rng.sample(BOILERPLATE, 3)
    return (
        "\n\n".join(
            (
                noise[0],
                f"Inspectors praise {area}'s response to {rng.choice(HARMS)}",
                f"  • Written by {rng.choice(GIVEN)}",
                f"A joint targeted area inspection by Ofsted, the Care Quality Commission, HMICFRS and HM Inspectorate of "
                f"Probation looked at how {_agency(rng, area)}, {_agency(rng, area)} and partners respond to {rng.choice(HARMS)}.",
                _paragraphs(rng, area, 3),
                f"“We are proud of our staff,” said {_person(rng)}, Director of Children's Services.",
                noise[1],
                noise[2],
            )
        )
        + "\n"
    )


def _case_review_response(rng: random.Random, area: str) -> str:
    child = f"Child {rng.choice('ABCDEFGHJKLMNPQRSTVWXYZ')}"
    partnership = f"{area} Safeguarding Children Partnership"
    lines = [
        f"{partnership} Chair: {_person(rng)}",
        "",
        f"{partnership} response to the local child safeguarding practice review about {child}",
        "",
        f"This review concerns {child}, aged {rng.randint(1, 17)}, who was seriously harmed. "
        f"There were concerns about {rng.choice(HARMS)} and {rng.choice(HARMS)} in the family.",
        _paragraphs(rng, area, 3),
        "",
        "Recommendations and our response",
        "",
    ]
    for number in range(1, rng.randint(4, 8)):
        agency = _agency(rng, area)
        lines.append(
            f"Recommendation {number}: {agency} should review {rng.choice(PRACTICE)} where {rng.choice(HARMS)} is suspected."
        )
        lines.append(
            f"Response: {agency} accepts this recommendation and will report progress to the partnership by {_date(rng)}."
        )
    return "\n".join(lines) + "\n"


def _government_response(rng: random.Random, area: str) -> str:
    lines = [
        "Donate",
        "",
        f"The government responds to the Child Safeguarding Practice Review Panel's national review following harm to children in {area}",
        "",
        f"On {_date(rng)} the Department for Education published its response to the panel's recommendations.",
        _paragraphs(rng, area, 2),
        "",
    ]
    for number in range(1, rng.randint(3, 6)):
        lines.append(
            f"{number}. The panel recommends that the Department for Education strengthen {rng.choice(PRACTICE)}."
        )
        lines.append(
            f"The government accepts this recommendation. {_person(rng)}, Minister for Children, will lead the work."
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=50)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    paths = generate(args.documents, args.out, args.seed)
    print(
        f"wrote {len(paths)} documents, {sum(p.stat().st_size for p in paths) / 1e6:.1f} MB, into {args.out}"
    )


if __name__ == "__main__":
    main()
