"""Finding probable duplicate organisations and merging them without losing a tie or the history.

Candidates: the same INN or OGRN (possible only where one record was imported with blanks or merged before), the
same name once legal-form words and quotes are stripped ("АНО «Рассвет»" = "Автономная некоммерческая организация
Рассвет") in the same region, and — within one region — similar names: trigram similarity of the stripped names
(pg_trgm on PostgreSQL, difflib elsewhere) at or above a threshold.

A merge keeps one record (the survivor) and moves to it everything that points at the other one: ties, change
proposals, representations, the centre, and — found generically through ``Organisation._meta.related_objects`` —
every foreign key and many-to-many link from any app (applications, partnerships, enrolments...). The other record
stays, marked ``merged_into`` the survivor and liquidated, so links from outside and its audit history still lead
somewhere; both records get an audit event.
"""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from resurs.core.audit import audit_event
from resurs.registry.choices import OrganisationStatus
from resurs.registry.models import DuplicateDismissal, Organisation

# Words of legal forms and their abbreviations, which say nothing about which organisation it is.
LEGAL_FORM_WORDS = frozenset(
    [
        "автономная",
        "некоммерческая",
        "организация",
        "организации",
        "общественная",
        "общественное",
        "объединение",
        "региональная",
        "межрегиональная",
        "общероссийская",
        "местная",
        "городская",
        "районная",
        "благотворительный",
        "благотворительная",
        "фонд",
        "частное",
        "учреждение",
        "негосударственное",
        "некоммерческое",
        "партнерство",
        "ассоциация",
        "союз",
        "движение",
        "ано",
        "роо",
        "мроо",
        "оо",
        "бф",
        "нко",
        "нп",
        "чу",
        "ноу",
        "чоу",
        "ано",
        "дпо",
        "фонда",
    ]
)
SIMILARITY_THRESHOLD = 0.6
MAX_REGION_FOR_SIMILARITY = 5000


class MergeError(Exception):
    """The two records cannot be merged; the message says why."""


def normalised_name(name: str) -> str:
    """Lower-case words without quotes, punctuation and legal-form words: the part that names the organisation."""
    words = re.findall(r"[0-9a-zа-я]+", (name or "").lower().replace("ё", "е"))
    return " ".join(word for word in words if word not in LEGAL_FORM_WORDS)


@dataclass(frozen=True)
class Candidate:
    first_id: int
    second_id: int
    reason: str  # "inn", "ogrn", "name", "similar"
    score: float = 1.0

    @property
    def key(self) -> tuple[int, int]:
        return (self.first_id, self.second_id)


def _pair(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


def duplicate_candidates(*, region=None, similar: bool = False, threshold: float = SIMILARITY_THRESHOLD,
                         limit: int = 200) -> list[Candidate]:  # fmt: skip
    """Probable duplicate pairs among records not merged yet, minus pairs staff dismissed; best evidence first."""
    live = Organisation.objects.filter(merged_into=None)
    if region is not None:
        live = live.filter(region=region)
    found: dict[tuple[int, int], Candidate] = {}
    for field in ("inn", "ogrn"):
        repeated = live.exclude(**{field: ""}).values(field).annotate(n=Count("pk")).filter(n__gt=1)
        groups: dict[str, list[int]] = defaultdict(list)
        for pk, value in live.filter(**{f"{field}__in": repeated.values(field)}).values_list("pk", field):
            groups[value].append(pk)
        for ids in groups.values():
            for a, b in _pairs_of(ids):
                found.setdefault((a, b), Candidate(a, b, field))
    by_key: dict[tuple[int | None, str], list[int]] = defaultdict(list)
    names: dict[int, str] = {}
    for pk, region_id, name in live.values_list("pk", "region_id", "name").iterator(chunk_size=5000):
        key = normalised_name(name)
        if key:
            by_key[(region_id, key)].append(pk)
            names[pk] = key
    for ids in by_key.values():
        for a, b in _pairs_of(ids):
            found.setdefault((a, b), Candidate(a, b, "name"))
    if similar and region is not None and len(names) <= MAX_REGION_FOR_SIMILARITY:
        for a, b, score in _similar_pairs(names, threshold):
            found.setdefault(_pair(a, b), Candidate(*_pair(a, b), "similar", round(score, 2)))
    dismissed = set(DuplicateDismissal.objects.values_list("first_id", "second_id"))
    order = {"inn": 0, "ogrn": 0, "name": 1, "similar": 2}
    candidates = [c for c in found.values() if c.key not in dismissed]
    candidates.sort(key=lambda c: (order[c.reason], -c.score, c.first_id, c.second_id))
    return candidates[:limit]


def _pairs_of(ids: list[int], *, all_pairs_up_to: int = 20):
    """Every pair of a small group; for a large one (a very common name) each record with the first."""
    ids = sorted(ids)
    if len(ids) <= all_pairs_up_to:
        return [(a, b) for index, a in enumerate(ids) for b in ids[index + 1 :]]
    return [(ids[0], other) for other in ids[1:]]


def _similar_pairs(names: dict[int, str], threshold: float) -> list[tuple[int, int, float]]:
    if connection.vendor == "postgresql":
        return _similar_pairs_postgres(names, threshold)
    items = sorted(names.items())
    pairs = []
    for index, (a, name_a) in enumerate(items):
        matcher = difflib.SequenceMatcher(None, name_a)
        for b, name_b in items[index + 1 :]:
            if name_a == name_b:
                continue
            matcher.set_seq2(name_b)
            if matcher.real_quick_ratio() >= threshold and matcher.quick_ratio() >= threshold:
                score = matcher.ratio()
                if score >= threshold:
                    pairs.append((a, b, score))
    return pairs


def _similar_pairs_postgres(names: dict[int, str], threshold: float) -> list[tuple[int, int, float]]:
    """pg_trgm similarity of the stripped names of one region (a few thousand at most)."""
    ids, keys = list(names), [names[pk] for pk in names]
    with connection.cursor() as cursor:
        cursor.execute(
            """
            WITH n AS (SELECT * FROM unnest(%s::bigint[], %s::text[]) AS t(id, name))
            SELECT a.id, b.id, similarity(a.name, b.name)
            FROM n a JOIN n b ON a.id < b.id AND a.name <> b.name
            WHERE similarity(a.name, b.name) >= %s
            """,
            [ids, keys, threshold],
        )
        return [(a, b, float(score)) for a, b, score in cursor.fetchall()]


def duplicate_dismiss(*, first: Organisation, second: Organisation, actor) -> DuplicateDismissal:
    """Staff say the two are different organisations: the pair is not proposed again."""
    a, b = _pair(first.pk, second.pk)
    dismissal, _created = DuplicateDismissal.objects.get_or_create(
        first_id=a, second_id=b, defaults={"dismissed_by": actor}
    )
    return dismissal


MERGEABLE_FIELDS = (
    "name",
    "short_name",
    "kind",
    "inn",
    "ogrn",
    "kpp",
    "region",
    "city",
    "address",
    "founded_on",
    "email",
    "phone",
    "website",
    "description",
)


@transaction.atomic
def organisation_merge(
    *, survivor: Organisation, loser: Organisation, actor, take: dict[str, int] | None = None
):
    """Merge ``loser`` into ``survivor``. ``take`` maps a field to the pk of the record whose value to keep
    (default: the survivor's, or the loser's where the survivor's is empty). Returns a summary of moved links."""
    if survivor.pk == loser.pk:
        raise MergeError(_("An organisation cannot be merged into itself."))
    locked = {
        org.pk: org
        for org in Organisation.objects.select_for_update()
        .filter(pk__in=[survivor.pk, loser.pk])
        .order_by("pk")
    }
    survivor, loser = locked[survivor.pk], locked[loser.pk]
    if loser.merged_into_id or survivor.merged_into_id:
        raise MergeError(_("One of these records has already been merged into another."))
    take = take or {}
    changes: dict[str, tuple] = {}
    for name in MERGEABLE_FIELDS:
        attname = Organisation._meta.get_field(name).attname
        mine, theirs = getattr(survivor, attname), getattr(loser, attname)
        wanted = take.get(name)
        use_loser = (
            wanted == loser.pk if wanted is not None else (mine in (None, "") and theirs not in (None, ""))
        )
        if use_loser and theirs != mine:
            changes[attname] = (mine, theirs)
    # Identifiers are unique: the loser gives up those the survivor takes over.
    released = [key for key in ("inn", "ogrn") if key in changes]
    if released:
        for key in released:
            setattr(loser, key, "")
        loser.save(update_fields=[*released, "updated_at"])
    for attname, (_old, new) in changes.items():
        setattr(survivor, attname, new)
    try:
        survivor.full_clean(exclude=["fields"])
    except ValidationError as error:
        raise MergeError(" ".join(error.messages)) from error
    survivor.save()
    moved = _move_links(survivor=survivor, loser=loser)
    loser.merged_into = survivor
    loser.status = OrganisationStatus.LIQUIDATED
    loser.save(update_fields=["merged_into", "status", "updated_at"])
    audit_event(
        actor=actor,
        obj=survivor,
        action="merge",
        changes={key: value for key, value in changes.items()},
        data={"merged": loser.pk, "merged_name": str(loser), "moved": moved},
    )
    audit_event(
        actor=actor,
        obj=loser,
        action="merged_into",
        changes={"merged_into": (None, survivor.pk)},
        data={"survivor": survivor.pk, "survivor_name": str(survivor), "moved": moved},
    )
    return moved


def _move_links(*, survivor: Organisation, loser: Organisation) -> dict[str, int]:
    """Re-point every relation from any app at the survivor; a link the survivor already has is dropped."""
    moved: dict[str, int] = {}
    for relation in Organisation._meta.related_objects:
        model = relation.related_model
        label = f"{model._meta.label_lower}.{relation.field.name}"
        if model is DuplicateDismissal:
            DuplicateDismissal.objects.filter(Q(first=loser) | Q(second=loser)).delete()
            continue
        if relation.many_to_many:
            through = relation.through
            target = _fk_name(through, Organisation)
            moved[label] = _repoint(through, target, loser, survivor)
        elif relation.one_to_one:
            manager = model._base_manager
            if manager.filter(**{relation.field.name: loser}).exists():
                if manager.filter(**{relation.field.name: survivor}).exists():
                    raise MergeError(
                        _("Both records have a %(what)s; merge cannot keep two.")
                        % {"what": model._meta.verbose_name}
                    )
                moved[label] = manager.filter(**{relation.field.name: loser}).update(
                    **{relation.field.name: survivor}
                )
        else:
            moved[label] = _repoint(model, relation.field.name, loser, survivor)
    # The survivor's own many-to-many fields (fields of activity) take the union.
    for field in Organisation._meta.many_to_many:
        getattr(survivor, field.name).add(*getattr(loser, field.name).all())
    return {label: count for label, count in moved.items() if count}


def _fk_name(through, model) -> str:
    for field in through._meta.fields:
        if field.is_relation and field.related_model is model:
            return field.name
    raise LookupError(f"{through} has no foreign key to {model}")


def _repoint(model, field_name: str, loser, survivor) -> int:
    """Point ``field_name`` of ``model`` rows from the loser at the survivor; rows that would duplicate one the
    survivor already has (a unique constraint) are deleted instead."""
    manager = model._base_manager
    rows = manager.filter(**{field_name: loser})
    if not rows.exists():
        return 0
    try:
        with transaction.atomic():
            return rows.update(**{field_name: survivor})
    except IntegrityError:
        pass
    count = 0
    for row in list(rows):
        try:
            with transaction.atomic():
                manager.filter(pk=row.pk).update(**{field_name: survivor})
                count += 1
        except IntegrityError:
            manager.filter(pk=row.pk).delete()
    return count
