"""eTOM *Check Known Error*: match a problem report against the known-error base.

A known error matches when the report contains a large enough share of the distinct
words of its title and symptoms. Simple, explainable to an agent ("7 of 12 symptom words"),
and the same on SQLite and PostgreSQL. The base is small (hundreds of entries), so it is
read whole; a report of a few hundred words scores against it in milliseconds.
"""

import re
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from problems.models import KnownError

WORD = re.compile(r"[a-z0-9]+(?:[-'][a-z0-9]+)*")
# Words that say nothing about a fault. "down", "off", "no", "not" stay: they do.
_STOP_WORD_TEXT = """
a about after again all also am an and any are as at be been before being but by can could
did do does doing during each few for from further had has have having he her here hers him
his how i if in into is it its just me more most my nor now of once only or other our own
same she should so some such than that the their them then there these they this those
through to too until very was we were what when where which while who why will with would
you your yours since get gets got
"""
STOP_WORDS = frozenset(_STOP_WORD_TEXT.split())
CATEGORY_BONUS = 0.1


def words(text: str) -> frozenset[str]:
    return frozenset(
        word for word in WORD.findall(text.lower()) if len(word) > 2 and word not in STOP_WORDS
    )


@dataclass(frozen=True)
class Match:
    known_error_id: int
    title: str
    score: float
    shared_words: int
    symptom_words: int


def match_known_errors(
    text: str, *, category_id: int | None = None, limit: int | None = None
) -> list[Match]:
    """The best matching active known errors for a report, best first."""
    report = words(text)
    if not report:
        return []
    limit = limit or settings.KNOWN_ERROR_SUGGESTIONS
    threshold = settings.KNOWN_ERROR_MIN_SCORE
    matches = []
    rows = KnownError.objects.filter(is_active=True).values_list(
        "id", "title", "symptoms", "category_id"
    )
    for known_error_id, title, symptoms, known_category in rows:
        symptom_words = words(f"{title} {symptoms}")
        if not symptom_words:
            continue
        shared = len(symptom_words & report)
        score = shared / len(symptom_words)
        if category_id is not None and known_category == category_id and shared:
            score += CATEGORY_BONUS
        if score >= threshold:
            matches.append(
                Match(known_error_id, title, round(score, 3), shared, len(symptom_words))
            )
    matches.sort(key=lambda match: (-match.score, match.known_error_id))
    return matches[:limit]


@dataclass(frozen=True)
class Suggestion:
    """A known error to show an agent, with how well it matched (None: it is the one
    linked to the problem, whether or not the text still matches it)."""

    known_error: KnownError
    match: Match | None

    @property
    def percent(self) -> int | None:
        return None if self.match is None else min(100, round(self.match.score * 100))


def suggestions_for(text: str, *, category_id: int | None = None) -> list[Suggestion]:
    """The best matching known errors for a text being typed, with their workarounds."""
    matches = match_known_errors(text, category_id=category_id)
    found = KnownError.objects.select_related("category").in_bulk(
        [match.known_error_id for match in matches]
    )
    return [
        Suggestion(found[match.known_error_id], match)
        for match in matches
        if match.known_error_id in found
    ]


def suggestions_for_problem(problem: Any) -> list[Suggestion]:
    suggestions = suggestions_for(
        f"{problem.title}\n{problem.description}", category_id=problem.category_id
    )
    linked = problem.known_error
    if linked is not None and all(s.known_error.pk != linked.pk for s in suggestions):
        suggestions.insert(0, Suggestion(linked, None))
    return suggestions
