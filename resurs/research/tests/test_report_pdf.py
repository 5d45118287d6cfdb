"""The study report as an A4 PDF: page numbers, the ranking's header row on every page it spans, rows kept whole,
and nothing internal (the note about unmatched names stays on the staff's analysis page)."""

import io

import pytest
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from resurs.registry.tests.factories import OrganisationFactory
from resurs.research import services
from resurs.research.tests.factories import make_respondent, make_study

pytestmark = pytest.mark.django_db

UNMATCHED_NOTE = "не сопоставлен"


@pytest.fixture
def study(personas):
    study = make_study(personas)
    for index in range(30):
        # Long names wrap over several lines, so the ranking runs over more than one page.
        name = f"Автономная некоммерческая организация номер {index:02d} поддержки гражданских инициатив и развития местных сообществ муниципального района"
        org = OrganisationFactory(name=name, short_name=name)
        for _n in range(1 + index % 3):
            services.nomination_create(
                respondent=make_respondent(study), organisation=org, areas=["information"]
            )
    services.nomination_create(respondent=make_respondent(study), name="Кружок Щъыэ Йцукенг")
    services.study_update(study=study, actor=personas.researcher, is_published=True)
    return study


def _pages(response) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages]


def test_report_pdf_is_laid_out_for_a4(client, study):
    with translation.override("ru"):
        response = client.get(reverse("research:report-pdf", args=[study.pk]), HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 200
    reader = PdfReader(io.BytesIO(response.content))
    pages = [page.extract_text() for page in reader.pages]
    total = len(pages)
    assert total >= 3
    for number, text in enumerate(pages, start=1):
        assert f"Страница {number} из {total}" in text
    # The ranking is on landscape pages, and its header row repeats on each of them.
    landscape = [i for i, page in enumerate(reader.pages) if page.mediabox.width > page.mediabox.height]
    assert len(landscape) >= 2
    for index in landscape:
        assert "Без самономинаций" in pages[index].replace("\n", " ")
    # Rows are not split: each organisation's row (its whole name) is on one page.
    flat = [" ".join(text.split()) for text in pages]
    for index in range(30):
        pages_with = [i for i, text in enumerate(flat) if f"номер {index:02d} поддержки" in text]
        assert len(pages_with) >= 1
        assert any(
            "муниципального района" in flat[i].split(f"номер {index:02d}")[1][:200] for i in pages_with
        )
    # Nothing internal on the public document.
    assert all(UNMATCHED_NOTE not in text for text in flat)


def test_unmatched_note_only_on_staff_pages(client, client_for, personas, study):
    public = client.get(reverse("research:report", args=[study.pk]), HTTP_ACCEPT_LANGUAGE="ru")
    assert public.status_code == 200 and UNMATCHED_NOTE not in public.content.decode()
    staff = client_for(personas.researcher).get(reverse("research:analysis", args=[study.pk]))
    assert UNMATCHED_NOTE in staff.content.decode()


def test_report_pdf_is_rendered_once_per_version_of_the_data_and_language(client, study, monkeypatch):
    from resurs.core import pdf

    rendered = []

    def render(template, context, **kwargs):
        rendered.append(translation.get_language())
        return real_render(template, context, **kwargs)

    real_render = pdf.render_pdf
    monkeypatch.setattr(pdf, "render_pdf", render)
    url = reverse("research:report-pdf", args=[study.pk])
    first = client.get(url, HTTP_ACCEPT_LANGUAGE="ru")
    assert client.get(url, HTTP_ACCEPT_LANGUAGE="ru").content == first.content and len(rendered) == 1
    client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert len(rendered) == 2  # each language its own document
    org = OrganisationFactory(name="Фонд «Новая волна»", short_name="Фонд «Новая волна»")
    for _n in range(9):
        services.nomination_create(respondent=make_respondent(study), organisation=org, areas=["information"])
    text = " ".join(_pages(client.get(url, HTTP_ACCEPT_LANGUAGE="ru")))
    assert len(rendered) == 3 and "Новая волна" in text  # new nominations: a new document
