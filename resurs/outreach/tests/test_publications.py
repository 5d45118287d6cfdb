import datetime as dt

import feedparser
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from resurs.outreach import services
from resurs.outreach.models import Publication
from resurs.outreach.selectors import publication_search
from resurs.outreach.tests.factories import PublicationFactory
from resurs.outreach.validators import PUBLICATION_PDF

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_title_in_russian_is_required(personas):
    with pytest.raises(ValidationError) as exc:
        services.publication_save(
            centre=personas.centre, actor=personas.staff, title_ru="  ", title_en="Only English"
        )
    assert "title_ru" in exc.value.error_dict
    assert not Publication.objects.exists()


def test_pdf_size_and_type_are_checked(personas):
    big = SimpleUploadedFile(
        "big.pdf", b"%PDF-" + b"0" * (PUBLICATION_PDF.max_bytes - 4), content_type="application/pdf"
    )
    with pytest.raises(ValidationError) as exc:
        services.publication_save(centre=personas.centre, actor=personas.staff, title_ru="Доклад", pdf=big)
    assert "20" in str(exc.value)
    fake = SimpleUploadedFile("report.pdf", b"PK\x03\x04 not a pdf", content_type="application/pdf")
    with pytest.raises(ValidationError, match="PDF"):
        services.publication_save(centre=personas.centre, actor=personas.staff, title_ru="Доклад", pdf=fake)
    assert not Publication.objects.exists()
    ok = SimpleUploadedFile("report.pdf", PDF, content_type="application/pdf")
    publication = services.publication_save(
        centre=personas.centre, actor=personas.staff, title_ru="Доклад", pdf=ok, is_published=True
    )
    assert publication.pdf.name.endswith(".pdf") and publication.published_on is not None
    assert publication.pdf_name == "report.pdf" and publication.pdf.name.startswith("outreach/publications/")


def test_print_edition_is_dated_by_year(personas):
    publication = services.publication_save(
        centre=personas.centre,
        actor=personas.staff,
        kind="print",
        title_ru="Вестник НКО",
        year=2003,
        issn="1234-5678",
        pages=64,
        is_published=True,
    )
    assert publication.published_on == dt.date(2003, 1, 1)


def test_search_substring_fallback(personas):
    PublicationFactory(title_ru="Волонтёрство в регионах: итоги 2025 года")
    PublicationFactory(title_ru="Доступность социальных услуг для пожилых")
    found = publication_search(Publication.objects.all(), "Волонтёрство")
    assert [p.title_ru for p in found] == ["Волонтёрство в регионах: итоги 2025 года"]


@pytest.mark.postgres
def test_search_full_text_with_russian_stemming(personas, requires_postgres):
    PublicationFactory(title_ru="Доступность социальных услуг для пожилых в малых городах")
    PublicationFactory(title_ru="Волонтёрство в регионах")
    found = publication_search(Publication.objects.all(), "социальная услуга пожилым")
    assert [p.title_ru for p in found] == ["Доступность социальных услуг для пожилых в малых городах"]


def test_atom_feed_parses_with_feedparser(client, personas, django_assert_max_num_queries):
    from resurs.registry.tests.factories import PersonFactory

    report = PublicationFactory(
        centre=personas.centre,
        title_ru="Волонтёрство в регионах: итоги 2025 года",
        published_on=dt.date(2026, 11, 20),
    )
    report.author_people.add(PersonFactory(last_name="Смирнова", first_name="Елена", patronymic=""))
    PublicationFactory(centre=personas.centre, title_ru="Черновик", is_published=False, published_on=None)
    PublicationFactory(centre=personas.centre, kind="print", title_ru="Старая книга", year=1999)
    for _ in range(5):
        PublicationFactory(centre=personas.centre)
    with django_assert_max_num_queries(6):
        response = client.get("/outreach/publications/feed.atom")
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
    assert feed.version == "atom10"
    titles = [entry.title for entry in feed.entries]
    assert titles[0] == "Волонтёрство в регионах: итоги 2025 года"
    assert "Черновик" not in titles and "Старая книга" not in titles
    assert len(titles) == 6
    first = feed.entries[0]
    assert first.link.endswith(f"/outreach/publications/{report.pk}/")
    assert first.author == "Смирнова Елена"
    assert first.published_parsed[:3] == (2026, 11, 20)
