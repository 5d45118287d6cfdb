"""Reading the registry: querysets shaped for the pages and the API, and figures for the home page."""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.db import connections
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext_lazy as _

from resurs.accounts.access import represented_organisation_ids
from resurs.core import precomputed
from resurs.core.pagination import CountedPaginator, page_number
from resurs.core.search import query_words, search_filter, typo_capped
from resurs.registry import services
from resurs.registry.choices import DuplicateKind, OrganisationKind, ProposalStatus
from resurs.registry.models import (
    Centre,
    ChangeProposal,
    DuplicateCandidate,
    DuplicateSearch,
    FederalDistrict,
    Field,
    ImportBatch,
    ImportConflict,
    LegalForm,
    OkvedCode,
    Organisation,
    Person,
    Region,
    Tie,
)
from resurs.registry.search import (
    LARGE_RESULTS,
    ResultCount,
    estimated_rows,
    id_window,
    organisation_facets,
    organisation_search,
    round_estimate,
)


def organisation_list() -> QuerySet[Organisation]:
    """Every organisation of the registry (readable by all signed-in users), with what a list row shows.
    Records merged into another are left out: their ties and history now live on the surviving record."""
    return Organisation.objects.filter(merged_into__isnull=True).select_related("region")


LIST_COLUMNS = (
    "name",
    "short_name",
    "kind",
    "inn",
    "founded_on",
    "status",
    "region",
    "region__name_ru",
    "region__name_en",
)


def organisation_rows(queryset: QuerySet[Organisation]) -> QuerySet[Organisation]:
    """``queryset`` reading only what a row of the list shows: narrower rows to sort and count (a ranked page of
    thousands of matches sorts them all in memory)."""
    return queryset.only(*LIST_COLUMNS)


def organisation_ties(organisation: Organisation) -> tuple[list[Tie], list[Tie]]:
    """(current, past) ties of ``organisation`` with their people."""
    ties = list(
        Tie.objects.filter(organisation=organisation)
        .select_related("person")
        .order_by("ended_on", "role", "person__last_name")
    )
    today = timezone.localdate()
    current = [tie for tie in ties if tie.ended_on is None or tie.ended_on >= today]
    past = [tie for tie in ties if tie.ended_on is not None and tie.ended_on < today]
    return current, past


def person_ties(person: Person) -> list[Tie]:
    return list(
        Tie.objects.filter(person=person).select_related("organisation").order_by("ended_on", "-started_on")
    )


def organisation_centre(organisation: Organisation) -> Centre | None:
    return Centre.objects.filter(organisation=organisation).first()


def person_list() -> QuerySet[Person]:
    return Person.objects.select_related("region")


def person_search(queryset: QuerySet[Person], query: str) -> QuerySet[Person]:
    """People whose last, first or middle name holds every word of ``query`` (any letter case, «е» for «ё»); on
    PostgreSQL a misspelt name that finds nobody is tried as near names."""
    return search_filter(queryset, query, ["last_name", "first_name", "patronymic"], typos=True)


PERSON_ORDER = ("last_name", "first_name", "pk")


def person_page(query: str, page, per_page: int) -> Page:
    """A page of the people list (everyone not erased, or those ``query`` finds), in name order unless the search
    orders its near matches by likeness. The whole registry (hundreds of thousands of people) is counted by the
    planner's estimate (``CountedPaginator`` with ``estimated``: the page says "about"), a search exactly; the
    page's people are a window of ids read from the index of live names (``id_window``). A misspelt name lists
    its nearest people, at most ``TYPO_CANDIDATES`` of them (``at_least``: the page says "at least")."""
    queryset = person_search(person_list().filter(erased_at=None), query)
    if not queryset.query.order_by:
        queryset = queryset.order_by(*PERSON_ORDER)
    estimate = 0.0 if query_words(query) else estimated_rows(queryset)
    if estimate >= LARGE_RESULTS:
        paginator = CountedPaginator(queryset, per_page, count=round_estimate(estimate), estimated=True)
    else:
        paginator = Paginator(queryset, per_page)
        paginator.at_least = typo_capped(queryset, paginator.count)
    window = _matches_window if query_words(query) and queryset.query.order_by == PERSON_ORDER else id_window
    number = min(page_number(page), paginator.num_pages)
    rows = window(queryset, (number - 1) * per_page, per_page)
    if not rows and number > 1:  # past the real end of an estimate: the last page, counted exactly
        paginator = Paginator(queryset, per_page)
        number = paginator.num_pages
        rows = window(queryset, (number - 1) * per_page, per_page)
    return Page(rows, number, paginator)


def _matches_window(queryset: QuerySet[Person], offset: int, limit: int) -> list[Person]:
    """A page of the people a search found, in name order: the matches are collected first (through the trigram
    indexes of names, migration 0017) and then sorted. Asked for the first rows in name order directly, the
    planner walks the name index from «А» on, supposing matches spread evenly through the alphabet; for
    «Иванова» it reads every name before «И» (300 ms) to sort a few thousand matches (a few ms)."""
    if connections[queryset.db].vendor != "postgresql":
        return list(queryset[offset : offset + limit])
    sql, params = queryset.order_by().values_list("pk", "last_name", "first_name").query.sql_with_params()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(
            f"WITH matches (id, last_name, first_name) AS MATERIALIZED ({sql}) "
            "SELECT id FROM matches ORDER BY last_name, first_name, id LIMIT %s OFFSET %s",
            [*params, limit, offset],
        )
        ids = [row[0] for row in cursor.fetchall()]
    rows = {row.pk: row for row in queryset.order_by().filter(pk__in=ids)}
    return [rows[pk] for pk in ids if pk in rows]


def _label(row: dict, prefix: str) -> str:
    english = (get_language() or "ru").startswith("en")
    return (row.get(f"{prefix}name_en") if english else None) or row.get(f"{prefix}name_ru") or ""


def facets_for_display(
    queryset: QuerySet[Organisation], *, count: ResultCount | None = None
) -> dict[str, list[dict]]:
    """Facet counts with labels in the active language: ``{"kind": [{"value", "label", "count"}...]...}``
    (estimated, from the same sample, when ``count`` is an estimate)."""
    raw = organisation_facets(queryset, count=count)
    kinds = dict(OrganisationKind.choices)

    def entry(value, label: str, row: dict) -> dict:
        return {"value": value, "label": label, "count": row["count"], "estimate": row["estimate"]}

    return {
        "estimated": count is not None and not count.exact,
        "kind": [entry(row["kind"], kinds.get(row["kind"], row["kind"]), row) for row in raw["kind"]],
        "federal_district": [
            entry(row["region__federal_district"], _label(row, "region__federal_district__"), row)
            for row in raw["federal_district"]
            if row["region__federal_district"]
        ],
        "region": [
            entry(row["region"], _label(row, "region__"), row) for row in raw["region"] if row["region"]
        ][:15],
        "field": [entry(row["fields"], _label(row, "fields__"), row) for row in raw["field"]],
    }


def pending_proposals() -> QuerySet[ChangeProposal]:
    return ChangeProposal.objects.filter(status=ProposalStatus.PENDING)


def proposal_queue(status: str | None = ProposalStatus.PENDING) -> QuerySet[ChangeProposal]:
    queryset = ChangeProposal.objects.select_related("organisation", "proposed_by", "reviewed_by")
    if status:
        queryset = queryset.filter(status=status)
    return queryset.order_by("created_at" if status == ProposalStatus.PENDING else "-created_at")


def proposals_of(user) -> QuerySet[ChangeProposal]:
    return ChangeProposal.objects.filter(proposed_by=user).select_related("organisation")


def represented_organisations(user) -> QuerySet[Organisation]:
    return Organisation.objects.filter(pk__in=represented_organisation_ids(user)).select_related("region")


def representations_of(user):
    """The user's representations (any status) with their organisations."""
    return user.representations.select_related("organisation__region").order_by("-created_at")


def representation_of(user, organisation: Organisation):
    """The user's representation of ``organisation`` (any status), or None."""
    return user.representations.filter(organisation=organisation).first()


def _registry_size() -> dict[str, int]:
    return {
        "organisations": Organisation.objects.count(),
        "people": Person.objects.filter(erased_at=None).count(),
    }


def registry_figures() -> dict[str, int]:
    """Headline numbers for the home page. The organisations and people are counted once per change of the
    registry's size (``REGISTRY_SIZE``): counting 250,000 organisations and 200,000 people on every visit to the
    home page cost a tenth of a second. The regions covered are the regions with an organisation (a probe of the
    region index each), not the distinct regions of every organisation."""
    size = precomputed.cached(services.REGISTRY_SIZE, "figures", _registry_size)
    return {
        "organisations": size["organisations"],
        "centres": Centre.objects.count(),
        "regions": Region.objects.filter(Exists(Organisation.objects.filter(region=OuterRef("pk")))).count(),
        "people": size["people"],
    }


def reference_lists() -> dict[str, QuerySet]:
    return {
        "regions": Region.objects.select_related("federal_district"),
        "federal_districts": FederalDistrict.objects.annotate(region_count=Count("regions")),
        "fields": Field.objects.all(),
        "legal_forms": LegalForm.objects.all(),
    }


def organisation_detail_queryset() -> QuerySet[Organisation]:
    return Organisation.objects.select_related("region__federal_district", "legal_form").prefetch_related(
        Prefetch("fields", queryset=Field.objects.all())
    )


# --- Presenting the audit trail and proposals -------------------------------------------------------------


def audit_rows(entries) -> list[dict]:
    """Audit entries as rows for the "change history" table: when, who, what, and each field's old → new, in words
    a person reads: the field's verbose name, choices by their label, a related object by its name, yes/no for
    flags. Reverse relations (``change_proposals``…), which django-auditlog records when a row is created, are not
    fields of the row and are left out."""
    rows = []
    for entry in entries:
        model = entry.content_type.model_class()
        display = _display_by_name(entry, model)
        changes = []
        for field_name, values in (entry.changes_dict or {}).items():
            field = _concrete_field(model, field_name)
            if model is not None and field is None and _is_relation(model, field_name):
                continue
            label = str(field.verbose_name) if field is not None else field_name.replace("_", " ")
            if isinstance(
                values, dict
            ):  # many-to-many: {"type": "m2m", "operation": "add", "objects": [...]}
                sign = "+" if values.get("operation") == "add" else "−"
                new = f"{sign} " + ", ".join(map(str, values.get("objects", [])))
                changes.append({"field": label, "old": None, "new": new})
                continue
            if field_name in HIDDEN_AUDIT_FIELDS:
                continue
            old, new = (list(display.get(field_name, values)) + [None, None])[:2]
            old, new = _shown(field, old), _shown(field, new)
            if old is None and new is None:  # a field left empty when the row was created
                continue
            changes.append({"field": label, "old": old, "new": new})
        rows.append(
            {
                "timestamp": entry.timestamp,
                "actor": entry.actor,
                "action": _action_label(entry),
                "changes": changes,
            }
        )
    return rows


# Bookkeeping a person need not read in the history: the row's number and its own timestamps.
HIDDEN_AUDIT_FIELDS = {"id", "created_at", "updated_at"}


def _concrete_field(model, name: str):
    if model is None:
        return None
    try:
        field = model._meta.get_field(name)
    except Exception:  # a field of an older version of the model, or a domain-event key
        return None
    return field if getattr(field, "concrete", False) or field.many_to_many else None


def _is_relation(model, name: str) -> bool:
    try:
        return bool(model._meta.get_field(name).is_relation)
    except Exception:
        return False


def _display_by_name(entry, model) -> dict:
    """django-auditlog's display values (choices, dates, related objects), keyed by field name rather than by
    verbose name (two fields may share one, and a translated name depends on the language)."""
    if model is None:
        return {}
    by_verbose = entry.changes_display_dict
    result = {}
    for name in entry.changes_dict or {}:
        field = _concrete_field(model, name)
        if field is not None and field.verbose_name in by_verbose:
            result[name] = by_verbose[field.verbose_name]
    return result


def _shown(field, value):
    value = _none_if_blank(value)
    if value is None:
        return None
    if field is not None and field.get_internal_type() == "BooleanField":
        return {"True": pgettext("audit value", "yes"), "False": pgettext("audit value", "no")}.get(
            str(value), value
        )
    return value


AUDIT_ACTIONS = {
    "create": _("created"),
    "update": _("changed"),
    "delete": _("deleted"),
    "access": _("viewed"),
    "proposal_approved": _("proposed change approved"),
    "erased": _("personal data erased"),
    "merged": _("merged"),
    "merge": _("merged with a duplicate"),
    "merged_into": _("merged into another organisation"),
}


def _action_label(entry) -> str:
    event = (entry.additional_data or {}).get("event")
    if event:
        return str(AUDIT_ACTIONS.get(event, event))
    action = {0: "create", 1: "update", 2: "delete", 3: "access"}.get(entry.action, "")
    return str(AUDIT_ACTIONS.get(action, entry.get_action_display()))


def _none_if_blank(value):
    return None if value in (None, "", "None") else value


def proposal_rows(proposal: ChangeProposal, field_names: dict[str, str]) -> list[dict]:
    """Side-by-side rows of a proposal: field label, old value, proposed value, and the value now."""
    organisation = proposal.organisation
    rows = []
    for field, pair in (proposal.changes or {}).items():
        try:
            label = str(Organisation._meta.get_field(field).verbose_name)
        except Exception:
            label = field
        old, new = (list(pair) + [None, None])[:2]
        if field == "fields":
            current = sorted(organisation.fields.values_list("slug", flat=True))
            names = lambda slugs: ", ".join(field_names.get(slug, slug) for slug in slugs or [])  # noqa: E731
            rows.append(
                {
                    "field": label,
                    "old": names(old),
                    "new": names(new),
                    "current": names(current),
                    "changed_since": current != old,
                }
            )
        else:
            current = getattr(organisation, field, "") or ""
            rows.append(
                {"field": label, "old": old, "new": new, "current": current, "changed_since": current != old}
            )
    return rows


def personal_data(user) -> dict:
    """Everything Resurs holds about ``user``: account, roles, representations, token metadata, person, ties."""
    person = user.person
    return {
        "exported_at": timezone.now().isoformat(),
        "account": {
            "username": user.username,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "email": user.email,
            "preferred_language": user.preferred_language,
            "date_joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
        },
        "roles": [
            {"role": role.role, "role_display": role.get_role_display(), "centre": str(role.centre or "")}
            for role in user.role_assignments.select_related("centre__organisation")
        ],
        "representations": [
            {
                "organisation_id": rep.organisation_id,
                "organisation": str(rep.organisation),
                "status": rep.status,
                "position": rep.position,
            }
            for rep in user.representations.select_related("organisation")
        ],
        "api_tokens": [
            {
                "name": token.name,
                "prefix": token.prefix,
                "created_at": token.created_at.isoformat(),
                "last_used_at": token.last_used_at.isoformat() if token.last_used_at else None,
            }
            for token in user.api_tokens.all()
        ],
        "person": None
        if person is None
        else {
            "id": person.pk,
            "last_name": person.last_name,
            "first_name": person.first_name,
            "patronymic": person.patronymic,
            "email": person.email,
            "phone": person.phone,
            "region": str(person.region or ""),
            "city": person.city,
            "bio": person.bio,
            "consent_given_at": person.consent_given_at.isoformat() if person.consent_given_at else None,
            "consent_text_version": person.consent_text_version,
            "consent_withdrawn_at": person.consent_withdrawn_at.isoformat()
            if person.consent_withdrawn_at
            else None,
            "ties": [
                {
                    "organisation_id": tie.organisation_id,
                    "organisation": str(tie.organisation),
                    "role": tie.role,
                    "title": tie.title,
                    "started_on": tie.started_on.isoformat() if tie.started_on else None,
                    "ended_on": tie.ended_on.isoformat() if tie.ended_on else None,
                }
                for tie in person_ties(person)
            ],
        },
        "proposed_changes": [
            {
                "organisation_id": proposal.organisation_id,
                "status": proposal.status,
                "changes": proposal.changes,
                "comment": proposal.comment,
                "created_at": proposal.created_at.isoformat(),
            }
            for proposal in proposals_of(user)
        ],
    }


def hub_centre_summary() -> dict | None:
    """The centre that presents the installation, and the size of its network, for the home page."""
    hub = Centre.objects.select_related("organisation__region").filter(is_hub=True).first()
    if hub is None:
        return None
    return {
        "hub": hub,
        "centres": Centre.objects.count(),
        "regions": Centre.objects.exclude(organisation__region=None)
        .values("organisation__region")
        .distinct()
        .count(),
    }


# Federal districts from west to east, as a tile map lays them out.
DISTRICTS_WEST_TO_EAST = [
    "northwestern_fd",
    "central_fd",
    "southern_fd",
    "north-caucasian_fd",
    "privolzhsky_fd",
    "ural_fd",
    "siberian_fd",
    "far_eastern_fd",
]


def region_tile_layout() -> list[tuple[object, list[tuple[str, str, str]]]]:
    """Active regions grouped by federal district from west to east: ``[(district, [(fns_code, short label,
    name), ...]), ...]``. Short labels are the three-to-five-letter abbreviations of the regions reference."""
    from resurs.registry.reference import region_short_names

    short = region_short_names()
    order = {code: index for index, code in enumerate(DISTRICTS_WEST_TO_EAST)}
    districts = sorted(FederalDistrict.objects.filter(code__in=order), key=lambda d: order[d.code])
    regions = Region.objects.filter(is_active=True, federal_district__in=districts).order_by("name_ru")
    by_district: dict[int, list] = {d.pk: [] for d in districts}
    for region in regions:
        by_district[region.federal_district_id].append(
            (region.fns_code, short.get(region.fns_code, region.name[:3]), region.name)
        )
    return [(district, by_district[district.pk]) for district in districts]


# --- duplicates ---------------------------------------------------------------------------------------------------


def duplicate_candidate_list(
    *, region=None, kind: str = DuplicateKind.DUPLICATE
) -> QuerySet[DuplicateCandidate]:
    """The pairs the last duplicate search proposed, best first, without those already merged: ``kind`` of them,
    with a record in ``region`` if given."""
    pairs = DuplicateCandidate.objects.filter(
        kind=kind, first__merged_into__isnull=True, second__merged_into__isnull=True
    ).select_related("first__region", "second__region")
    if region is not None:
        pairs = pairs.filter(Q(first__region=region) | Q(second__region=region))
    return pairs.order_by("-score", "first_id", "second_id")


def duplicate_candidate_get(first: Organisation, second: Organisation) -> DuplicateCandidate | None:
    """What the last duplicate search said of this pair, if it proposed it."""
    a, b = sorted((first.pk, second.pk))
    return DuplicateCandidate.objects.filter(first_id=a, second_id=b).first()


def duplicate_search_latest(region=None) -> DuplicateSearch | None:
    """The latest duplicate search that covered ``region`` (a search of every region covers it too)."""
    searches = DuplicateSearch.objects.all()
    if region is not None:
        searches = searches.filter(Q(region=region) | Q(region__isnull=True))
    return searches.order_by("-created_at").first()


def region_resolver():
    """The one region normaliser every importer uses (the registry import's): a function from a region as files
    write it («г. Москва», «Ханты-Мансийский автономный округ», «Архангельская обл.», «77») to the Region, or
    None. Loads the reference data once; call it once per import."""
    from resurs.registry.imports.rows import References

    references = References()
    regions = Region.objects.in_bulk()

    def resolve(text: str) -> Region | None:
        if not text or not str(text).strip():
            return None
        return regions.get(references.region(text))

    return resolve


_REFERENCE_FIELDS = {"region": Region, "legal_form": LegalForm, "main_okved": OkvedCode}


def _reference_names(pairs) -> dict[tuple[str, str], str]:
    """Names of the reference rows (region, legal form, OKVED) conflicts and sources refer to by id."""
    wanted: dict[str, set[int]] = {}
    for field, value in pairs:
        if field in _REFERENCE_FIELDS and str(value or "").isdigit():
            wanted.setdefault(field, set()).add(int(value))
    names = {}
    for field, ids in wanted.items():
        for row in _REFERENCE_FIELDS[field].objects.filter(pk__in=ids):
            names[(field, str(row.pk))] = str(row)
    return names


def import_conflict_list(
    *, status: str | None, batch: int | None = None, pk: int | None = None, organisation: int | None = None
) -> list:
    """Conflicts of imports (``status`` None: every one), newest first, each with ``field_label``,
    ``current_shown`` and ``proposed_shown`` (reference values by name)."""
    queryset = ImportConflict.objects.select_related("organisation", "batch", "decided_by")
    if status:
        queryset = queryset.filter(status=status)
    if batch:
        queryset = queryset.filter(batch_id=batch)
    if pk:
        queryset = queryset.filter(pk=pk)
    if organisation:
        queryset = queryset.filter(organisation_id=organisation)
    conflicts = list(queryset[:1000])
    names = _reference_names(
        [(c.field, c.current) for c in conflicts] + [(c.field, c.proposed_text) for c in conflicts]
    )
    for conflict in conflicts:
        conflict.field_label = _field_label(conflict.field)
        conflict.current_shown = names.get((conflict.field, conflict.current), conflict.current)
        conflict.proposed_shown = names.get((conflict.field, conflict.proposed_text), conflict.proposed_text)
    return conflicts


def _field_label(field: str) -> str:
    try:
        return str(Organisation._meta.get_field(field).verbose_name)
    except Exception:
        return field


def organisation_sources(organisation: Organisation) -> list[dict]:
    """Where the organisation's values came from: per field, an import (file and date) or a hand edit (by whom
    and when), with the open conflicts staff have to decide."""
    from resurs.accounts.models import User

    sources = organisation.sources or {}
    batch_ids = {s["b"] for s in sources.values() if isinstance(s, dict) and "b" in s}
    user_ids = {s["m"] for s in sources.values() if isinstance(s, dict) and s.get("m")}
    batches = {b.pk: b for b in ImportBatch.objects.filter(pk__in=batch_ids).only("pk", "file_name")}
    users = {u.pk: u for u in User.objects.filter(pk__in=user_ids)}
    rows = []
    for field, source in sources.items():
        if not isinstance(source, dict):
            continue
        batch = batches.get(source.get("b"))
        rows.append(
            {
                "field": field,
                "label": _("Values when the record was created") if field == "*" else _field_label(field),
                "batch": batch,
                "batch_id": source.get("b"),
                "user": users.get(source.get("m")),
                "by_hand": "m" in source,
                "date": source.get("d", ""),
            }
        )
    order = [f.name for f in Organisation._meta.concrete_fields]
    rows.sort(key=lambda row: order.index(row["field"]) if row["field"] in order else -1)
    return rows


# --- The registry picker ----------------------------------------------------------------------------------

PICK_RESULTS = 15


def pick_queryset(kind: str, kinds: tuple[str, ...] = ()) -> QuerySet:
    """What a picker of ``kind`` ("person" or "organisation") may choose from."""
    if kind == "person":
        return Person.objects.filter(erased_at=None).select_related("region")
    queryset = organisation_list()
    return queryset.filter(kind__in=kinds) if kinds else queryset


def pick_results(kind: str, query: str, kinds: tuple[str, ...] = ()) -> list:
    """The first matches of ``query`` through the registry's own searches, best first."""
    queryset = pick_queryset(kind, kinds)
    if kind == "person":
        found = person_search(queryset, query)
        if not found.query.order_by:
            found = found.order_by("last_name", "first_name", "patronymic", "pk")
    else:
        found = organisation_search(queryset, query)
    return list(found[:PICK_RESULTS])
