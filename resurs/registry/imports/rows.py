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
_LIQUIDATED_WORDS = ("недейств", "ликвидирован", "прекратил", "исключ", "liquidated", "inactive")
_url_validator = URLValidator(schemes=["http", "https"])
_email_validator = EmailValidator()


class RowRejected(Exception):
    def __init__(self, reasons: list[str]):
        super().__init__("; ".join(reasons))
        self.reasons = reasons


@dataclass
class ParsedRow:
    """Model field values of one organisation (only the columns the file provides, empty cells left out)."""

    values: dict
    field_ids: set[int] = field(default_factory=set)

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
        self.okved = dict(OkvedCode.objects.values_list("code", "pk"))
        self._region_memo: dict[str, int | None] = {}
        self._fields_memo: dict[str, set[int]] = {}
        self.field_prefixes: list[tuple[str, int]] = []
        for pk, prefixes in Field.objects.values_list("pk", "okved_prefixes"):
            for prefix in prefixes.split(","):
                if prefix.strip():
                    self.field_prefixes.append((prefix.strip(), pk))

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
    """Validate one row (``raw`` maps a target key to the cell value). Raises ``RowRejected`` with every reason."""
    today = today or timezone.localdate()
    reasons: list[str] = []
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

    kpp = normalise_identifier(raw.get("kpp"))
    if kpp:
        if re.fullmatch(r"\d{4}[\dA-Z]{2}\d{3}", kpp):
            values["kpp"] = kpp
        else:
            reasons.append(_("KPP %(value)s is not nine characters of the form NNNNXXNNN.") % {"value": kpp})

    region_text = _text(raw.get("region"))
    if region_text:
        region_id = refs.region(region_text)
        if region_id is None:
            reasons.append(_("Unknown region “%(value)s”.") % {"value": region_text})
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
            values[key] = parse_date(cell)
        except ValueError:
            reasons.append(
                _("The %(what)s “%(value)s” is not a date (expected YYYY-MM-DD or DD.MM.YYYY).")
                % {"what": label, "value": _text(cell)}
            )
    if values.get("founded_on") and values["founded_on"] > today:
        reasons.append(
            _("The founding date %(date)s is in the future.") % {"date": values["founded_on"].isoformat()}
        )
    if values.get("liquidated_on"):
        if values["liquidated_on"] > today:
            reasons.append(
                _("The liquidation date %(date)s is in the future.")
                % {"date": values["liquidated_on"].isoformat()}
            )
        if values.get("founded_on") and values["liquidated_on"] < values["founded_on"]:
            reasons.append(_("The liquidation date is earlier than the founding date."))

    status_text = _text(raw.get("status")).lower()
    if values.get("liquidated_on") or any(status_text.startswith(word) for word in _LIQUIDATED_WORDS):
        values["status"] = OrganisationStatus.LIQUIDATED
    elif status_text:
        values["status"] = OrganisationStatus.ACTIVE

    kind_text = _text(raw.get("kind"))
    if kind_text:
        kind = _kind(kind_text)
        if kind is None:
            reasons.append(_("Unknown kind of organisation “%(value)s”.") % {"value": kind_text})
        else:
            values["kind"] = kind

    legal_code = normalise_identifier(raw.get("legal_form_code"))
    if legal_code and legal_code in refs.legal_forms:
        values["legal_form_id"] = refs.legal_forms[legal_code]
        if "kind" not in values and legal_code.startswith("704"):
            values["kind"] = OrganisationKind.FOUNDATION
    okved = _text(raw.get("okved_code"))
    if okved:
        if okved in refs.okved:
            values["main_okved_id"] = refs.okved[okved]
        field_ids = refs.fields_for_okved(okved)

    website = re.split(r"[,;\s]+", _text(raw.get("website")))[0]
    if website:
        url = website if "://" in website else f"http://{website}"
        try:
            _url_validator(url)
        except ValidationError:
            reasons.append(_("The website “%(value)s” is not a web address.") % {"value": website})
        else:
            values["website"] = url[:300]
    email = _text(raw.get("email"))
    if email:
        try:
            _email_validator(email)
        except ValidationError:
            reasons.append(_("The e-mail “%(value)s” is not an e-mail address.") % {"value": email})
        else:
            values["email"] = email
    for key, limit in (("city", 200), ("address", 500), ("phone", 64)):
        text = _text(raw.get(key))
        if text:
            values[key] = text[:limit]
    description = str(raw.get("description") or "").strip()
    if description:
        values["description"] = description

    if reasons:
        raise RowRejected(reasons)
    return ParsedRow(values=values, field_ids=field_ids)
