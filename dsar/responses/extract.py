"""Read an agency's letter: propose the event kind, outcome, date, reference numbers, exemptions,
fees, estimated completion and appeal window, each with the text that supports it.

Pure Python, no Django: the cues are data (``data/patterns.yaml``, agency reference formats in
``dsar/directory/data/reference_formats.yaml``) read once. Another reader (a language model, say)
can be plugged in behind :class:`Reader` as long as it returns a :class:`Reading`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import asdict, dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

import yaml

DATA = Path(__file__).resolve().parent / "data" / "patterns.yaml"
REFERENCE_FORMATS = (
    Path(__file__).resolve().parent.parent / "directory" / "data" / "reference_formats.yaml"
)

EVENT_KINDS = (
    "acknowledged",
    "info_requested",
    "fee_notice",
    "extension_notice",
    "determination",
    "appeal_decided",
)
FLAGS = re.IGNORECASE | re.UNICODE


@dataclass(frozen=True)
class Evidence:
    """The text that supports one proposed value, with its place in the letter's text."""

    field: str
    value: str
    text: str
    start: int
    end: int


@dataclass
class Reading:
    language: str
    event_kind: str | None = None
    outcome: str | None = None
    tracking_numbers: list[str] = field(default_factory=list)
    letter_date: date | None = None
    exemptions: list[str] = field(default_factory=list)
    fees: str | None = None
    estimated_completion: date | None = None
    appeal_days: int | None = None
    appeal_unit: str | None = None
    confidence: float = 0.0
    evidence: list[Evidence] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        """The shape printed by ``read_response --json`` and stored on the reading row."""
        return {
            "event_kind": self.event_kind,
            "outcome": self.outcome,
            "tracking_numbers": list(self.tracking_numbers),
            "letter_date": self.letter_date.isoformat() if self.letter_date else None,
            "exemptions": list(self.exemptions),
            "appeal_days": self.appeal_days,
            "appeal_unit": self.appeal_unit,
            "confidence": self.confidence,
            "evidence": [asdict(item) for item in self.evidence],
            "fees": self.fees,
            "estimated_completion": (
                self.estimated_completion.isoformat() if self.estimated_completion else None
            ),
            "language": self.language,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Reading:
        return cls(
            language=data.get("language") or "en",
            event_kind=data.get("event_kind"),
            outcome=data.get("outcome"),
            tracking_numbers=list(data.get("tracking_numbers") or []),
            letter_date=date.fromisoformat(data["letter_date"])
            if data.get("letter_date")
            else None,
            exemptions=list(data.get("exemptions") or []),
            fees=data.get("fees"),
            estimated_completion=(
                date.fromisoformat(data["estimated_completion"])
                if data.get("estimated_completion")
                else None
            ),
            appeal_days=data.get("appeal_days"),
            appeal_unit=data.get("appeal_unit"),
            confidence=float(data.get("confidence") or 0.0),
            evidence=[Evidence(**item) for item in data.get("evidence") or []],
        )


class Reader(Protocol):
    def read(self, text: str, *, agency: str | None = None) -> Reading: ...


# ---------------------------------------------------------------------------------- the data


@dataclass(frozen=True)
class Cue:
    pattern: re.Pattern[str]
    weight: int


@dataclass(frozen=True)
class ReferenceFormat:
    name: str
    pattern: re.Pattern[str]
    status: str


@dataclass(frozen=True)
class Language:
    code: str
    detect: tuple[re.Pattern[str], ...]
    kinds: dict[str, tuple[Cue, ...]]
    outcomes: dict[str, dict[str, tuple[Cue, ...]]]
    salutation: re.Pattern[str]
    date_label: re.Pattern[str]
    not_letter_date: re.Pattern[str]
    fees: re.Pattern[str]
    fee_context: re.Pattern[str]
    completion: re.Pattern[str]
    appeal_window: re.Pattern[str]
    appeal_context: re.Pattern[str]
    numbers: dict[str, int]
    months: dict[str, int]


@dataclass(frozen=True)
class Patterns:
    languages: dict[str, Language]
    units: dict[str, str]
    generic_references: tuple[ReferenceFormat, ...]
    agency_references: dict[str, tuple[ReferenceFormat, ...]]
    aliases: dict[str, tuple[str, ...]]


def _cues(items: list[dict[str, Any]]) -> tuple[Cue, ...]:
    return tuple(Cue(re.compile(item["cue"], FLAGS), int(item["weight"])) for item in items)


def _formats(items: list[dict[str, Any]]) -> tuple[ReferenceFormat, ...]:
    return tuple(
        ReferenceFormat(item["name"], re.compile(item["pattern"].strip(), FLAGS), item["status"])
        for item in items
    )


@lru_cache(maxsize=1)
def patterns() -> Patterns:
    raw = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    refs = yaml.safe_load(REFERENCE_FORMATS.read_text(encoding="utf-8"))
    languages = {}
    for code, spec in raw["languages"].items():
        languages[code] = Language(
            code=code,
            detect=tuple(re.compile(p, FLAGS) for p in spec["detect"]),
            kinds={kind: _cues(items) for kind, items in spec["kinds"].items()},
            outcomes={
                kind: {outcome: _cues(items) for outcome, items in by_outcome.items()}
                for kind, by_outcome in spec["outcomes"].items()
            },
            salutation=re.compile(spec["salutation"], FLAGS | re.MULTILINE),
            date_label=re.compile(spec["date_label"], FLAGS),
            not_letter_date=re.compile(spec["not_letter_date"], FLAGS),
            fees=re.compile(spec["fees"], FLAGS),
            fee_context=re.compile(spec["fee_context"], FLAGS),
            completion=re.compile(spec["completion"], FLAGS),
            appeal_window=re.compile(spec["appeal_window"], FLAGS),
            appeal_context=re.compile(spec["appeal_context"], FLAGS),
            numbers={k.lower(): int(v) for k, v in raw["numbers"][code].items()},
            months={k.lower(): int(v) for k, v in raw["months"][code].items()},
        )
    units = {word: unit for unit, words in raw["units"].items() for word in words}
    return Patterns(
        languages=languages,
        units=units,
        generic_references=_formats(refs["generic"]),
        agency_references={code: _formats(items) for code, items in refs["agencies"].items()},
        aliases={code: tuple(items) for code, items in (refs.get("aliases") or {}).items()},
    )


# ---------------------------------------------------------------------------------- helpers


def normalize_text(text: str) -> str:
    """NFKC (ligatures, full-width digits), typographic quotes and dashes made plain."""
    text = unicodedata.normalize("NFKC", text)
    for src, dst in (("\u2010", "-"), ("\u2011", "-"), ("\u2013", "-"), ("\u2014", "-")):
        text = text.replace(src, dst)
    for src in ("\u2018", "\u2019"):
        text = text.replace(src, "'")
    return text.replace("\u00ad", "").replace("\f", "\n")


def detect_language(text: str, pats: Patterns) -> str:
    scores = {
        code: sum(len(p.findall(text[:4000])) for p in lang.detect)
        for code, lang in pats.languages.items()
    }
    return max(scores, key=lambda code: scores[code]) if any(scores.values()) else "en"


_SENTENCE_END = re.compile(r"[.!?](?=\s)|\n\s*\n")


def _sentence_around(text: str, start: int, end: int) -> tuple[int, int]:
    left = 0
    for boundary in _SENTENCE_END.finditer(text, 0, start):
        left = boundary.end()
    after = _SENTENCE_END.search(text, end)
    return left, (after.start() if after else len(text))


def _evidence(name: str, value: str, text: str, match: re.Match[str], group: int = 0) -> Evidence:
    start, end = match.span(group)
    return Evidence(field=name, value=value, text=text[start:end], start=start, end=end)


# ---------------------------------------------------------------------------------- dates

_EN_MONTH_FIRST = (
    r"(?P<month>[A-Za-z]{3,9})\.?\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<year>\d{4})"
)
_DAY_FIRST = (
    r"(?P<day>\d{1,2})(?:º|°)?\s+(?:de\s+)?(?P<month>[A-Za-zé]{3,10})\.?,?\s+"
    r"(?:de\s+|del\s+)?(?P<year>\d{4})"
)
_NUMERIC = r"(?P<a>\d{1,2})[/.](?P<b>\d{1,2})[/.](?P<year>\d{4})"
_ISO = r"(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})"
DATE_PATTERNS = tuple(re.compile(p, FLAGS) for p in (_EN_MONTH_FIRST, _DAY_FIRST, _NUMERIC, _ISO))


@dataclass(frozen=True)
class FoundDate:
    value: date
    start: int
    end: int


def find_dates(text: str, language: Language) -> list[FoundDate]:
    found: dict[int, FoundDate] = {}
    for index, pattern in enumerate(DATE_PATTERNS):
        for match in pattern.finditer(text):
            groups = match.groupdict()
            try:
                year = int(groups["year"])
                if index in (0, 1):
                    month = language.months.get(groups["month"].lower().rstrip("."))
                    if month is None:
                        continue
                    day = int(groups["day"])
                elif index == 2:
                    a, b = int(groups["a"]), int(groups["b"])
                    month, day = (a, b) if language.code == "en" else (b, a)
                else:
                    month, day = int(groups["month"]), int(groups["day"])
                value = date(year, month, day)
            except (ValueError, TypeError):
                continue
            if not 1990 <= value.year <= 2100:
                continue
            if any(f.start <= match.start() < f.end for f in found.values()):
                continue
            found[match.start()] = FoundDate(value, match.start(), match.end())
    return [found[k] for k in sorted(found)]


def _letter_date(text: str, language: Language, dates: list[FoundDate]) -> FoundDate | None:
    for label in language.date_label.finditer(text):
        for found in dates:
            if 0 <= found.start - label.end() <= 5:
                return found
    salutation = language.salutation.search(text)
    head_end = salutation.start() if salutation else min(len(text), 1500)
    for in_head in (True, False):
        for found in dates:
            if in_head and found.start >= head_end:
                break
            line_start = text.rfind("\n", 0, found.start) + 1
            before = text[max(line_start, found.start - 40) : found.start]
            if language.not_letter_date.search(before):
                continue
            return found
    return None


# ---------------------------------------------------------------------------------- values


def _classify(
    text: str, table: dict[str, tuple[Cue, ...]], name: str
) -> tuple[str | None, float, list[Evidence]]:
    scores: dict[str, int] = {}
    evidence: dict[str, list[Evidence]] = {}
    for label, cues in table.items():
        for cue in cues:
            match = cue.pattern.search(text)
            if match:
                scores[label] = scores.get(label, 0) + cue.weight
                evidence.setdefault(label, []).append(_evidence(name, label, text, match))
    if not scores:
        return None, 0.0, []
    order = list(table)
    best = max(scores, key=lambda label: (scores[label], -order.index(label)))
    ranked = sorted(scores.values(), reverse=True)
    runner_up = ranked[1] if len(ranked) > 1 else 0
    margin = (scores[best] - runner_up) / scores[best]
    return best, margin, evidence[best]


_A_NUMBER = re.compile(r"A-?\d{3}-?\d{3}-?\d{3}", FLAGS)


def _references(text: str, agency: str | None, pats: Patterns) -> list[tuple[str, Evidence]]:
    if agency and (agency in pats.agency_references or agency in pats.aliases):
        codes = [agency, *pats.aliases.get(agency, ())]
        formats = [f for code in codes for f in pats.agency_references.get(code, ())]
    else:
        formats = [f for items in pats.agency_references.values() for f in items]
    formats += list(pats.generic_references)
    candidates: list[tuple[int, str, str, Evidence]] = []
    for fmt in formats:
        for match in fmt.pattern.finditer(text):
            group = 1 if fmt.pattern.groups else 0
            value = match.group(group).strip().rstrip(".-")
            key = re.sub(r"[\s.-]", "", value).upper()
            if _A_NUMBER.fullmatch(value) or len(key) < 5:
                continue  # an A-number or a stray short number is not a tracking number
            ev = _evidence("tracking_numbers", value, text, match, group)
            candidates.append((match.start(group), key, value, ev))
    keys = {key for _start, key, _value, _ev in candidates}
    kept: dict[str, tuple[int, str, Evidence]] = {}
    for start, key, value, ev in sorted(candidates, key=lambda item: item[0]):
        if any(key != other and key in other for other in keys):
            continue  # part of a fuller number found by another pattern
        kept.setdefault(key, (start, value, ev))
    return [(value, ev) for _start, value, ev in sorted(kept.values(), key=lambda i: i[0])]


_EXEMPTION_B = re.compile(r"\(\s*b\s*\)\s*\(\s*(\d)\s*\)(?:\s*\(\s*([a-f])\s*\))?", FLAGS)
# "Exemptions 6, 7(C) and 7(E)": a list of FOIA exemption numbers; a number followed by "U.S.C."
# starts a statute citation ("…and 7(C), 5 U.S.C. 552(b)(6)"), not another exemption.
_ITEM = r"\d(?!\d)(?:\s*\(\s*[a-f]\s*\))?(?!\s*U\.?\s?S\.?\s?C)"
_EXEMPTION_WORD = re.compile(
    rf"exem(?:ption|pciones|pci[óo]n)s?\s+({_ITEM}(?:\s*(?:,|and|&|y|or)\s*{_ITEM})*)", FLAGS
)
_EXEMPTION_ITEM = re.compile(r"(\d)(?:\s*\(\s*([a-f])\s*\))?", FLAGS)
_EXEMPTION_PA = re.compile(r"\(\s*([jk])\s*\)\s*\(\s*(\d)\s*\)", FLAGS)


def _exemption_code(statute: str, number: str, letter: str | None) -> str:
    return f"({statute.lower()})({number})" + (f"({letter.upper()})" if letter else "")


def _exemptions(text: str) -> list[tuple[str, Evidence]]:
    found: dict[str, tuple[int, Evidence]] = {}

    def add(code: str, match: re.Match[str]) -> None:
        if code not in found:
            found[code] = (match.start(), _evidence("exemptions", code, text, match))

    for match in _EXEMPTION_B.finditer(text):
        add(_exemption_code("b", match.group(1), match.group(2)), match)
    for match in _EXEMPTION_WORD.finditer(text):
        for item in _EXEMPTION_ITEM.finditer(match.group(1)):
            add(_exemption_code("b", item.group(1), item.group(2)), match)
    for match in _EXEMPTION_PA.finditer(text):
        add(_exemption_code(match.group(1), match.group(2), None), match)
    ordered = sorted(found.items(), key=lambda item: item[1][0])
    return [(code, ev) for code, (_start, ev) in ordered]


def _number(words: str, language: Language) -> int | None:
    digits = re.search(r"\d+", words)
    if digits:
        return int(digits.group())
    for word in re.findall(r"[\w-]+", words.lower()):
        if word in language.numbers:
            return language.numbers[word]
    return None


def _appeal_window(
    text: str, language: Language, pats: Patterns
) -> tuple[int | None, str | None, Evidence | None]:
    for match in language.appeal_window.finditer(text):
        start, end = _sentence_around(text, match.start(), match.end())
        if not language.appeal_context.search(text[start:end]):
            continue
        days = _number(match.group(1), language)
        if days is None:
            continue
        unit_word = (match.group(2) or "").lower()
        unit = pats.units.get(unit_word, "calendar")
        value = f"{days} {unit}"
        return days, unit, _evidence("appeal_window", value, text, match)
    return None, None, None


def _fees(text: str, language: Language) -> tuple[str | None, Evidence | None]:
    for match in language.fees.finditer(text):
        start, end = _sentence_around(text, match.start(), match.end())
        if language.fee_context.search(text[start:end]):
            value = match.group(0).strip()
            return value, _evidence("fees", value, text, match)
    return None, None


def _completion(
    text: str, language: Language, dates: list[FoundDate]
) -> tuple[date | None, Evidence | None]:
    for match in language.completion.finditer(text):
        for found in dates:
            if 0 <= found.start - match.end() <= 40:
                ev = Evidence(
                    field="estimated_completion",
                    value=found.value.isoformat(),
                    text=text[match.start() : found.end],
                    start=match.start(),
                    end=found.end,
                )
                return found.value, ev
    return None, None


class PatternReader:
    """The reader that uses the cues in ``patterns.yaml``."""

    def read(self, text: str, *, agency: str | None = None) -> Reading:
        pats = patterns()
        text = normalize_text(text)
        language = pats.languages[detect_language(text, pats)]
        reading = Reading(language=language.code)
        evidence: list[Evidence] = []

        kind, kind_margin, kind_evidence = _classify(text, language.kinds, "event_kind")
        reading.event_kind = kind
        evidence += kind_evidence
        outcome_margin = 1.0
        if kind in language.outcomes:
            outcome, outcome_margin, outcome_evidence = _classify(
                text, language.outcomes[kind], "outcome"
            )
            reading.outcome = outcome
            evidence += outcome_evidence

        dates = find_dates(text, language)
        letter_date = _letter_date(text, language, dates)
        if letter_date:
            reading.letter_date = letter_date.value
            evidence.append(
                Evidence(
                    "letter_date",
                    letter_date.value.isoformat(),
                    text[letter_date.start : letter_date.end],
                    letter_date.start,
                    letter_date.end,
                )
            )
        for value, ev in _references(text, agency, pats):
            reading.tracking_numbers.append(value)
            evidence.append(ev)
        for code, ev in _exemptions(text):
            reading.exemptions.append(code)
            evidence.append(ev)
        reading.fees, fee_evidence = _fees(text, language)
        reading.estimated_completion, completion_evidence = _completion(text, language, dates)
        reading.appeal_days, reading.appeal_unit, appeal_evidence = _appeal_window(
            text, language, pats
        )
        evidence += [e for e in (fee_evidence, completion_evidence, appeal_evidence) if e]

        # Confidence: how clearly the kind (and outcome) won, and whether the letter's date and
        # a reference number were found. A guide for the person, not a probability.
        parts = [
            kind_margin if kind else 0.0,
            outcome_margin if kind in language.outcomes else 1.0,
            1.0 if reading.letter_date else 0.0,
            1.0 if reading.tracking_numbers else 0.5,
        ]
        reading.confidence = round(sum(parts) / len(parts), 2)
        reading.evidence = sorted(evidence, key=lambda e: (e.start, e.field))
        return reading


def read_text(text: str, *, agency: str | None = None) -> Reading:
    return PatternReader().read(text, agency=agency)
