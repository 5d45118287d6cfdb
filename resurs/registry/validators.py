"""Checksums of Russian state identifiers: INN (10 digits for organisations, 12 for individuals),
OGRN (13 digits) and OGRNIP (15 digits), as defined by the Federal Tax Service."""

from __future__ import annotations

import re
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_INN10_WEIGHTS = (2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN12_WEIGHTS_1 = (7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN12_WEIGHTS_2 = (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8)


def _check_digit(digits: str, weights: tuple[int, ...]) -> int:
    return sum(int(d) * w for d, w in zip(digits, weights, strict=False)) % 11 % 10


def is_valid_inn(value: str) -> bool:
    if not value.isdigit() or len(value) not in (10, 12):
        return False
    if len(value) == 10:
        return _check_digit(value, _INN10_WEIGHTS) == int(value[9])
    return _check_digit(value, _INN12_WEIGHTS_1) == int(value[10]) and _check_digit(
        value, _INN12_WEIGHTS_2
    ) == int(value[11])


def is_valid_ogrn(value: str) -> bool:
    """OGRN (13 digits, organisations) or OGRNIP (15 digits, individual entrepreneurs)."""
    if not value.isdigit() or len(value) not in (13, 15):
        return False
    body, check = value[:-1], int(value[-1])
    modulus = 11 if len(value) == 13 else 13
    return int(body) % modulus % 10 == check


def normalise_identifier(value) -> str:
    """Digits as text; copes with numbers stored as floats in registry extracts ("1127800004914.0", "1.1278e+12")."""
    if value is None:
        return ""
    text = str(value).strip().replace(" ", "").replace("\u00a0", "")
    if re.fullmatch(r"\d+\.0+", text):
        return text.split(".")[0]
    if re.fullmatch(r"\d+(\.\d+)?[eE]\+?\d+", text):
        return str(int(Decimal(text)))
    return text


def validate_inn(value: str) -> None:
    if not value.isdigit():
        raise ValidationError(_("INN must contain digits only."), code="inn_digits")
    if len(value) not in (10, 12):
        raise ValidationError(
            _("INN must have 10 digits (organisation) or 12 digits (individual); this one has %(count)d."),
            code="inn_length",
            params={"count": len(value)},
        )
    if not is_valid_inn(value):
        raise ValidationError(
            _("The INN check digit does not match: please check the number for a typo."), code="inn_checksum"
        )


def validate_ogrn(value: str) -> None:
    if not value.isdigit():
        raise ValidationError(_("OGRN must contain digits only."), code="ogrn_digits")
    if len(value) not in (13, 15):
        raise ValidationError(
            _("OGRN must have 13 digits (OGRNIP: 15); this one has %(count)d."),
            code="ogrn_length",
            params={"count": len(value)},
        )
    if not is_valid_ogrn(value):
        raise ValidationError(
            _("The OGRN check digit does not match: please check the number for a typo."),
            code="ogrn_checksum",
        )


def complete_inn10(first9: str) -> str:
    """An organisation INN from its first nine digits (used to generate demo and test data)."""
    return first9 + str(_check_digit(first9, _INN10_WEIGHTS))


def complete_inn12(first10: str) -> str:
    eleventh = str(_check_digit(first10, _INN12_WEIGHTS_1))
    return first10 + eleventh + str(_check_digit(first10 + eleventh, _INN12_WEIGHTS_2))


def complete_ogrn(first12: str) -> str:
    """An OGRN from its first twelve digits (OGRNIP: pass fourteen)."""
    modulus = 11 if len(first12) == 12 else 13
    return first12 + str(int(first12) % modulus % 10)
