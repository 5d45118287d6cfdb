import pytest
from django.core.exceptions import ValidationError

from resurs.registry.validators import (
    complete_inn10,
    complete_inn12,
    complete_ogrn,
    is_valid_inn,
    is_valid_ogrn,
    normalise_identifier,
    validate_inn,
    validate_ogrn,
)


@pytest.mark.parametrize("inn", ["7707083893", "7820290130", "500100732259", "7830002293"])
def test_valid_inn(inn):
    assert is_valid_inn(inn)
    validate_inn(inn)


@pytest.mark.parametrize(
    ("inn", "code"),
    [
        ("7707083894", "inn_checksum"),
        ("500100732258", "inn_checksum"),
        ("77070838", "inn_length"),
        ("77070838a3", "inn_digits"),
    ],
)
def test_invalid_inn(inn, code):
    assert not is_valid_inn(inn)
    with pytest.raises(ValidationError) as error:
        validate_inn(inn)
    assert error.value.code == code


@pytest.mark.parametrize("ogrn", ["1027700132195", "1127800004914", "304500116000157"])
def test_valid_ogrn_and_ogrnip(ogrn):
    assert is_valid_ogrn(ogrn)
    validate_ogrn(ogrn)


@pytest.mark.parametrize(
    ("ogrn", "code"),
    [
        ("1027700132196", "ogrn_checksum"),
        ("304500116000158", "ogrn_checksum"),
        ("102770013219", "ogrn_length"),
    ],
)
def test_invalid_ogrn(ogrn, code):
    with pytest.raises(ValidationError) as error:
        validate_ogrn(ogrn)
    assert error.value.code == code


def test_generated_identifiers_are_valid():
    assert is_valid_inn(complete_inn10("770708389"))
    assert complete_inn10("770708389") == "7707083893"
    assert is_valid_inn(complete_inn12("5001007322"))
    assert complete_ogrn("102770013219") == "1027700132195"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1127800004914.0", "1127800004914"),
        (" 7820290130 ", "7820290130"),
        (None, ""),
        ("1.127800004914e+12", "1127800004914"),
    ],
)
def test_normalise_identifier(raw, expected):
    assert normalise_identifier(raw) == expected


@pytest.mark.django_db
def test_region_tile_layout_covers_every_active_region_once_from_west_to_east():
    from resurs.registry.models import Region
    from resurs.registry.selectors import region_tile_layout

    layout = region_tile_layout()
    codes = [code for _district, regions in layout for code, _short, _name in regions]
    assert len(codes) == len(set(codes)) == Region.objects.filter(is_active=True).count()
    assert layout[0][0].code == "northwestern_fd" and layout[-1][0].code == "far_eastern_fd"
    assert dict((code, short) for _d, regions in layout for code, short, _n in regions)["31"] == "БЕЛ"
