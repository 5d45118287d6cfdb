"""One raw row → validated organisation values, or the reasons (translated) it is rejected."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from resurs.registry.choices import OrganisationKind, OrganisationStatus
from resurs.registry.validators import normalise_identifier, validate_inn, validate_ogrn

NAME_MAX = 500
SHORT_NAME_MAX = 300
_REGION_NOISE = {
    "республика",
    "г",
    "город",
    "с",
    "без",
    "автономными",
    "автономным",
    "автономного",
    "округами",
}
# Status texts of registry extracts and lists, checked in this order (a word's stem, contained in the text):
# "недействующая" before "действующая", "ликвидирована" before "ликвидируется". A text none of them matches is
# reported as unmapped, never taken for "active".
_STATUS_WORDS = (
    (("недейств", "ликвидирован", "прекрат", "исключ", "liquidated", "inactive", "dissolved"), "liquidated"),
    (("ликвидируется", "ликвидац", "liquidating", "liquidation"), "liquidating"),
    (("банкрот", "bankrupt", "insolven"), "bankruptcy"),
    (("реорганиз", "reorganis", "reorganiz"), "reorganising"),
    (("действ", "active", "зарегистр", "registered"), "active"),
)
_url_validator = URLValidator(schemes=["http", "https"])
_email_validator = EmailValidator()


class RowRejected(Exception):
    def __init__(self, reasons: list[str]):
        super().__init__("; ".join(reasons))
        self.reasons = reasons


@dataclass
class ParsedRow:
    """Model field values of one organisation (only the columns the file provides, empty cells left out), the
    warnings about optional values left out, and the (target, value) pairs no reference matched."""

    values: dict
    field_ids: set[int] = field(default_factory=set)
    warnings: list[str] = field(default_factory=list)
    unmapped: list[tuple[str, str]] = field(default_factory=list)

    @property
    def inn(self) -> str:
        return self.values.get("inn", "")

    @property
    def ogrn(self) -> str:
        return self.values.get("ogrn", "")


_REGION_ABBREVIATIONS = {"обл": "область", "респ": "республика", "ао": "автономный округ"}


def _region_key(text: str) -> frozenset[str]:
    text = text.lower().replace("ё", "е")
    words = " ".join(_REGION_ABBREVIATIONS.get(w, w) for w in re.findall(r"[a-zа-я0-9]+", text)).split()
    return frozenset(word for word in words if word not in _REGION_NOISE)


class References:
    """Reference data looked up while importing: loaded once per import, a few hundred rows in all."""

    def __init__(self):
        from resurs.registry.models import Field, LegalForm, OkvedCode, Region

        self.regions_by_code: dict[str, int] = {}
        self.regions_by_key: dict[frozenset[str], int] = {}
        for region in Region.objects.all():
            self.regions_by_code[region.fns_code.lstrip("0") or "0"] = region.pk
            names = [region.name_ru, region.name_en, *region.alternative_names.split("|")]
            # "Тюменская область (с автономными округами)" is "Тюменская область" in registry extracts.
            names += [re.sub(r"\(.*?\)", "", name) for name in names if "(" in name]
            for name in names:
                if name and name.strip():
                    self.regions_by_key.setdefault(_region_key(name), region.pk)
        self.legal_forms = dict(LegalForm.objects.values_list("code", "pk"))
        # OKOPF names map to their codes ("Фонды" → 70400), so a column of names imports as well as one of codes.
        self.legal_form_names: dict[str, str] = {}
        stems: dict[str, set[str]] = {}
        for code, name in LegalForm.objects.values_list("code", "name"):
            self.legal_form_names[_name_key(name)] = code
            stems.setdefault(_stem_key(name), set()).add(code)
        # "Фонд", "Общественная организация": the singular (or another ending) of one reference name.
        self.legal_form_stems = {stem: codes.pop() for stem, codes in stems.items() if len(codes) == 1}
        self.okved = dict(OkvedCode.objects.values_list("code", "pk"))
        self._region_memo: dict[str, int | None] = {}
        self._fields_memo: dict[str, set[int]] = {}
        self.field_prefixes: list[tuple[str, int]] = []
        for pk, prefixes in Field.objects.values_list("pk", "okved_prefixes"):
            for prefix in prefixes.split(","):
                if prefix.strip():
                    self.field_prefixes.append((prefix.strip(), pk))

    def legal_form_code(self, value) -> str | None:
        """The OKOPF code of a cell holding a code ("70400", "7 04 00", 70400.0) or a name ("Фонды")."""
        code = normalise_identifier(value)
        if code.endswith(".0"):
            code = code[:-2]
        if code in self.legal_forms:
            return code
        text = str(value)
        return self.legal_form_names.get(_name_key(text)) or self.legal_form_stems.get(_stem_key(text))

    def region(self, value) -> int | None:
        text = str(value).strip()
        if text not in self._region_memo:
            self._region_memo[text] = self._find_region(text)
        return self._region_memo[text]

    def _find_region(self, text: str) -> int | None:
        if re.fullmatch(r"\d{1,2}(\.0+)?", text):
            return self.regions_by_code.get(text.split(".")[0].lstrip("0") or "0")
        key = _region_key(text)
        found = self.regions_by_key.get(key)
        if found is None:
            # "Чувашская Республика-Чувашия": the one region whose name is contained in the value.
            contained = {pk for name_key, pk in self.regions_by_key.items() if name_key and name_key <= key}
            if len(contained) == 1:
                found = contained.pop()
        if found is None and len(key) > 1:
            # "Ханты-Мансийский автономный округ": the one region whose name holds every word of the value.
            holding = {pk for name_key, pk in self.regions_by_key.items() if key <= name_key}
            if len(holding) == 1:
                found = holding.pop()
        return found

    def fields_for_okved(self, code: str) -> set[int]:
        if code not in self._fields_memo:
            self._fields_memo[code] = {
                pk for prefix, pk in self.field_prefixes if code == prefix or code.startswith(prefix + ".")
            }
        return self._fields_memo[code]


def _name_key(text: str) -> str:
    return " ".join(re.findall(r"[a-zа-я0-9]+", text.lower().replace("ё", "е")))


def _stem_key(text: str) -> str:
    return " ".join(word[:4] for word in _name_key(text).split())


def _status(text: str) -> str | None:
    lowered = text.lower().replace("ё", "е")
    for words, status in _STATUS_WORDS:
        if any(word in lowered for word in words):
            return status
    return None


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value)
    return (
        " ".join(text.split())
        if (" " in text or "\n" in text or "\t" in text or "\xa0" in text)
        else text.strip()
    )


def _first_of_list(text: str) -> str:
    """Registry extracts list several short names joined by ';': the first is the current one."""
    return text.split(";")[0].strip() if ";" in text else text


DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y", "%d.%m.%y", "%d/%m/%Y", "%Y.%m.%d", "%Y-%m-%d %H:%M:%S")


def parse_date(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _text(value)
    if len(text) == 10 and text[4] == "-":
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            pass
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


def _identifier(value, key: str) -> str:
    """Digits of an INN/OGRN. A spreadsheet that stored an INN as a number dropped its leading zero (regions
    01–09): "521016176.0" is INN 0521016176."""
    number = normalise_identifier(value)
    numeric_source = isinstance(value, int | float) or bool(re.fullmatch(r"\d+\.0+", _text(value)))
    if key == "inn" and numeric_source and len(number) in (9, 11) and number.isdigit():
        number = number.zfill(len(number) + 1)
    return number


def _kind(value: str) -> str | None:
    text = value.strip().lower()
    for choice in OrganisationKind:
        if text in (choice.value, str(choice.label).lower()):
            return choice.value
    return None


def parse_row(raw: dict[str, object], refs: References, *, today: dt.date | None = None) -> ParsedRow:
    """Validate one row (``raw`` maps a target key to the cell value).

    Only the name and the identifiers decide whether a row is imported: ``RowRejected`` (with every reason) when
    the name is missing or too long, or the INN/OGRN is missing or invalid. A bad optional value (a region no
    reference knows, a web address ".", a date that is not one) is left out, with a warning on the row, and a
    value no reference matched is listed in ``unmapped`` for the per-column report."""
    today = today or timezone.localdate()
    reasons: list[str] = []
    warnings: list[str] = []
    unmapped: list[tuple[str, str]] = []
    values: dict = {}
    field_ids: set[int] = set()

    name = _first_of_list(_text(raw.get("name")))
    if not name:
        reasons.append(_("The name is empty."))
    elif len(name) > NAME_MAX:
        reasons.append(
            _("The name is too long: %(length)d characters, at most %(max)d.")
            % {"length": len(name), "max": NAME_MAX}
        )
    else:
        values["name"] = name
    short_name = _first_of_list(_text(raw.get("short_name")))
    if short_name and short_name != name:
        values["short_name"] = short_name[:SHORT_NAME_MAX]

    for key, validator, label in (
        ("inn", validate_inn, gettext_lazy("INN")),
        ("ogrn", validate_ogrn, gettext_lazy("OGRN")),
    ):
        number = _identifier(raw.get(key), key)
        if not number:
            continue
        try:
            validator(number)
        except ValidationError as error:
            reasons.append(f"{label} {number}: {' '.join(error.messages)}")
        else:
            values[key] = number
    if not (values.get("inn") or values.get("ogrn")) and not (raw.get("inn") or raw.get("ogrn")):
        reasons.append(_("Neither INN nor OGRN is given: an organisation is matched by one of them."))
    if reasons:
        raise RowRejected(reasons)

    kpp = normalise_identifier(raw.get("kpp"))
    if kpp:
        if re.fullmatch(r"\d{4}[\dA-Z]{2}\d{3}", kpp):
            values["kpp"] = kpp
        else:
            warnings.append(_("KPP %(value)s is not nine characters of the form NNNNXXNNN.") % {"value": kpp})

    region_text = _text(raw.get("region"))
    if region_text:
        region_id = refs.region(region_text)
        if region_id is None:
            warnings.append(_("Unknown region “%(value)s”.") % {"value": region_text})
            unmapped.append(("region", region_text))
        else:
            values["region_id"] = region_id

    for key, label in (
        ("founded_on", gettext_lazy("founding date")),
        ("liquidated_on", gettext_lazy("liquidation date")),
    ):
        cell = raw.get(key)
        if cell is None or _text(cell) == "":
            continue
        try:
            date = parse_date(cell)
        except ValueError:
            warnings.append(
                _("The %(what)s “%(value)s” is not a date (expected YYYY-MM-DD or DD.MM.YYYY).")
                % {"what": label, "value": _text(cell)}
            )
            continue
        if date > today:
            warnings.append(
                _("The %(what)s %(date)s is in the future.") % {"what": label, "date": date.isoformat()}
            )
            continue
        values[key] = date
    if (
        values.get("liquidated_on")
        and values.get("founded_on")
        and values["liquidated_on"] < values["founded_on"]
    ):
        warnings.append(_("The liquidation date is earlier than the founding date."))
        del values["liquidated_on"]

    status_text = _text(raw.get("status"))
    status = _status(status_text) if status_text else None
    if status_text and status is None:
        warnings.append(_("Unknown status “%(value)s”.") % {"value": status_text})
        unmapped.append(("status", status_text))
    if values.get("liquidated_on") and status in (None, OrganisationStatus.ACTIVE):
        status = OrganisationStatus.LIQUIDATED
    if status:
        values["status"] = status

    kind_text = _text(raw.get("kind"))
    if kind_text:
        kind = _kind(kind_text)
        if kind is None:
            warnings.append(_("Unknown kind of organisation “%(value)s”.") % {"value": kind_text})
            unmapped.append(("kind", kind_text))
        else:
            values["kind"] = kind

    legal_text = _text(raw.get("legal_form_code"))
    if legal_text:
        legal_code = refs.legal_form_code(legal_text)
        if legal_code is None:
            warnings.append(_("Unknown legal form “%(value)s”.") % {"value": legal_text})
            unmapped.append(("legal_form_code", legal_text))
        else:
            values["legal_form_id"] = refs.legal_forms[legal_code]
            if "kind" not in values and legal_code.startswith("704"):
                values["kind"] = OrganisationKind.FOUNDATION
    okved = _text(raw.get("okved_code"))
    if okved:
        if okved in refs.okved:
            values["main_okved_id"] = refs.okved[okved]
        else:
            unmapped.append(("okved_code", okved))
        field_ids = refs.fields_for_okved(okved)

    website = re.split(r"[,;\s]+", _text(raw.get("website")))[0]
    if website:
        url = website if "://" in website else f"http://{website}"
        try:
            _url_validator(url)
        except ValidationError:
            warnings.append(_("The website “%(value)s” is not a web address.") % {"value": website})
        else:
            values["website"] = url[:300]
    email = _text(raw.get("email"))
    if email:
        try:
            _email_validator(email)
        except ValidationError:
            warnings.append(_("The e-mail “%(value)s” is not an e-mail address.") % {"value": email})
        else:
            values["email"] = email
    for key, limit in (("city", 200), ("address", 500), ("phone", 64)):
        text = _text(raw.get(key))
        if text:
            values[key] = text[:limit]
    description = str(raw.get("description") or "").strip()
    if description:
        values["description"] = description
    return ParsedRow(values=values, field_ids=field_ids, warnings=warnings, unmapped=unmapped)
