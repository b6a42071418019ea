"""The search index over identifying fields: which keyed hashes each case and proceeding has,
keeping them current, and turning a query into index lookups.

Names, titles and tracking numbers may be stored encrypted, so they are never searched by
reading them: every whole word and every whole reference is stored as a keyed hash
(``dsar.core.blind_index``) in ``SearchTerm``, and a query is hashed the same way.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q

from dsar.core import blind_index

from .models import Case, Event, Proceeding, SearchTerm

NAME, TITLE, REFERENCE = SearchTerm.Kind.NAME, SearchTerm.Kind.TITLE, SearchTerm.Kind.REFERENCE


def case_terms(
    *, title: str, subject_name: str, subject_other_names: str, decision_references: str
) -> list[tuple[str, str]]:
    """(kind, digest) pairs of a case's own fields."""
    terms = {(NAME, d) for d in blind_index.word_digests(NAME, subject_name)}
    terms |= {(NAME, d) for d in blind_index.word_digests(NAME, subject_other_names)}
    terms |= {(TITLE, d) for d in blind_index.word_digests(TITLE, title)}
    terms |= {(REFERENCE, d) for d in blind_index.reference_digests([decision_references])}
    return sorted(terms)


def proceeding_terms(*, title: str, tracking_numbers: Iterable[str]) -> list[tuple[str, str]]:
    """(kind, digest) pairs of a proceeding: its title's words and every tracking number it
    or its events carry."""
    terms = {(TITLE, d) for d in blind_index.word_digests(TITLE, title)}
    terms |= {(REFERENCE, d) for d in blind_index.reference_digests(tracking_numbers)}
    return sorted(terms)


@transaction.atomic
def case_search_terms_rebuild(*, case_ids: Iterable[int]) -> int:
    """Replace the search terms of these cases (and their proceedings) with ones derived from
    their current values. Called by every service that changes a searched field; idempotent.
    Returns the number of terms written."""
    ids = sorted(set(case_ids))
    if not ids:
        return 0
    SearchTerm.objects.filter(case_id__in=ids).delete()
    references: dict[int, list[str]] = defaultdict(list)
    for proceeding_id, number in (
        Event.objects.filter(proceeding__case_id__in=ids)
        .exclude(tracking_number="")
        .values_list("proceeding_id", "tracking_number")
    ):
        references[proceeding_id].append(number)
    rows = []
    visibility = {}
    for case in Case.objects.filter(pk__in=ids).only(
        "pk",
        "owner_id",
        "organization_id",
        "title",
        "subject_name",
        "subject_other_names",
        "decision_references",
    ):
        visibility[case.pk] = {"owner_id": case.owner_id, "organization_id": case.organization_id}
        for kind, digest in case_terms(
            title=case.title,
            subject_name=case.subject_name,
            subject_other_names=case.subject_other_names,
            decision_references=case.decision_references,
        ):
            rows.append(
                SearchTerm(case_id=case.pk, kind=kind, digest=digest, **visibility[case.pk])
            )
    for proceeding in Proceeding.objects.filter(case_id__in=ids).only(
        "pk", "case_id", "title", "tracking_numbers"
    ):
        for kind, digest in proceeding_terms(
            title=proceeding.title,
            tracking_numbers=[proceeding.tracking_numbers, *references[proceeding.pk]],
        ):
            rows.append(
                SearchTerm(
                    case_id=proceeding.case_id,
                    proceeding_id=proceeding.pk,
                    kind=kind,
                    digest=digest,
                    **visibility[proceeding.case_id],
                )
            )
    SearchTerm.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def search_index_rebuild(*, batch_size: int = 2000) -> int:
    """Rebuild every case's terms (after a change of search key), one committed batch at a
    time. Returns the number of cases processed."""
    last_id, done = 0, 0
    while True:
        ids = list(
            Case.objects.filter(pk__gt=last_id)
            .order_by("pk")
            .values_list("pk", flat=True)[:batch_size]
        )
        if not ids:
            return done
        case_search_terms_rebuild(case_ids=ids)
        last_id, done = ids[-1], done + len(ids)


@dataclass(frozen=True)
class ParsedQuery:
    """A query as digests: every word must match a name or title word (``word_groups``, one
    group of alternatives per word), or the whole query must be a known reference."""

    word_groups: tuple[tuple[str, ...], ...]
    reference: str | None

    def __bool__(self) -> bool:
        return bool(self.word_groups or self.reference)


def parse_query(query: str) -> ParsedQuery:
    groups = tuple(
        (blind_index.digest(NAME, w), blind_index.digest(TITLE, w))
        for w in blind_index.words(query)[:8]
    )
    ref = blind_index.reference(query)
    return ParsedQuery(groups, blind_index.digest(REFERENCE, ref) if ref else None)


def _term(digests, *, scope: Q, proceeding_level: bool) -> Q:
    """Rows with one of ``digests`` among the terms in ``scope`` (one visibility branch: the
    user's own cases, or one organization's), read from the (digest, owner) or
    (digest, organization) index: the cost follows the user's matches, not the table."""
    terms = SearchTerm.objects.filter(scope, digest__in=list(digests))
    if not proceeding_level:
        return Q(pk__in=terms.values("case_id"))
    # A case's own terms match all its proceedings; a proceeding's only itself.
    return Q(case_id__in=terms.filter(proceeding_id__isnull=True).values("case_id")) | Q(
        pk__in=terms.filter(proceeding_id__isnull=False).values("proceeding_id")
    )


def search_filter(parsed: ParsedQuery, *, scope: Q, proceeding_level: bool) -> Q:
    """A filter for a Proceeding (``proceeding_level``) or Case queryset, looking only at the
    terms in ``scope`` (a filter on SearchTerm's owner or organization)."""
    alternatives = []
    if parsed.reference:
        alternatives.append(
            _term([parsed.reference], scope=scope, proceeding_level=proceeding_level)
        )
    if parsed.word_groups:
        all_words = Q()
        for group in parsed.word_groups:
            all_words &= _term(group, scope=scope, proceeding_level=proceeding_level)
        alternatives.append(all_words)
    if not alternatives:
        return Q(pk__in=[])
    condition = alternatives[0]
    for alternative in alternatives[1:]:
        condition |= alternative
    return condition
