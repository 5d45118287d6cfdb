"""Pages: who sees what (transcripts only for the study's team), bad input, HTMX coding, query counts."""

import pytest
from django.urls import reverse

from resurs.registry.tests.factories import OrganisationFactory
from resurs.research import services
from resurs.research.models import CodedSegment, Interview, Nomination, Respondent, Study
from resurs.research.tests.factories import TRANSCRIPT, make_interview, make_respondent, make_study

pytestmark = pytest.mark.django_db


@pytest.fixture
def study(personas):
    study = make_study(personas)
    interview = make_interview(make_respondent(study))
    org = OrganisationFactory(founded_on="1995-03-01")
    services.nomination_create(respondent=interview.respondent, organisation=org, areas=["information"])
    return study


def _interview(study):
    return Interview.objects.get(respondent__study=study)


# Study page: centre researchers and staff, team members and admins; transcripts: the team only.
STUDY_PAGE = {
    "admin": 200,
    "staff": 200,
    "manager": 200,
    "researcher": 200,
    "expert": 404,
    "ngo_rep": 404,
    "trainer": 404,
    "partner": 404,
    "other_staff": 404,
    "outsider": 404,
}
TRANSCRIPT_PAGE = {**STUDY_PAGE, "admin": 403, "staff": 403, "manager": 403}


@pytest.mark.parametrize(("persona", "status"), STUDY_PAGE.items())
def test_study_page_access(personas, client_for, study, persona, status):
    response = client_for(getattr(personas, persona)).get(reverse("research:study-detail", args=[study.pk]))
    assert response.status_code == status


@pytest.mark.parametrize(("persona", "status"), TRANSCRIPT_PAGE.items())
def test_transcript_visible_only_to_the_team(personas, client_for, study, persona, status):
    response = client_for(getattr(personas, persona)).get(
        reverse("research:interview-detail", args=[_interview(study).pk])
    )
    assert response.status_code == status
    if status == 200:
        assert "Агентство социальной информации" in response.content.decode()


def test_staff_who_joins_the_team_reads_transcripts(personas, client_for, study):
    services.member_add(study=study, user=personas.staff, actor=personas.researcher)
    response = client_for(personas.staff).get(
        reverse("research:interview-detail", args=[_interview(study).pk])
    )
    assert response.status_code == 200


def test_study_overview_hides_names_from_non_members(personas, client_for, study):
    respondent = Respondent.objects.get(study=study)
    page = client_for(personas.staff).get(reverse("research:study-detail", args=[study.pk])).content.decode()
    assert respondent.code in page
    assert respondent.person.last_name not in page


def test_anonymous_is_sent_to_login(client_for, study):
    response = client_for(None).get(reverse("research:interview-detail", args=[_interview(study).pk]))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("persona", ["staff", "other_staff", "outsider", "admin"])
def test_non_members_cannot_code_or_nominate(personas, client_for, study, persona):
    interview = _interview(study)
    code = study.codes.first()
    client = client_for(getattr(personas, persona))
    before = (CodedSegment.objects.count(), Nomination.objects.count())
    response = client.post(
        reverse("research:segment-create", args=[interview.pk]), {"code": code.pk, "start": 0, "end": 20}
    )
    assert response.status_code in (403, 404)
    response = client.post(
        reverse("research:respondent-detail", args=[interview.respondent_id]), {"name": "Фонд «Кто-то»"}
    )
    assert response.status_code in (403, 404)
    assert (CodedSegment.objects.count(), Nomination.objects.count()) == before


def test_coding_through_htmx(personas, client_for, study):
    interview = _interview(study)
    code = study.codes.get(name="Информационное пространство")
    client = client_for(personas.researcher)
    start = TRANSCRIPT.index("Они задают")
    response = client.post(
        reverse("research:segment-create", args=[interview.pk]),
        {"code": code.pk, "start": start, "end": start + 35},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert 'id="coding-panel"' in response.content.decode()
    segment = CodedSegment.objects.get()
    assert (segment.start, segment.end, segment.coder) == (start, start + 35, personas.researcher)


def test_code_on_empty_passage_gives_a_clear_message(personas, client_for, study):
    interview = _interview(study)
    response = client_for(personas.researcher).post(
        reverse("research:segment-create", args=[interview.pk]),
        {"code": study.codes.first().pk, "start": "", "end": ""},
        HTTP_HX_REQUEST="true",
    )
    assert "Выделите фрагмент" in response.content.decode() or "Select a passage" in response.content.decode()
    assert not CodedSegment.objects.exists()


def test_only_the_coder_removes_a_segment(personas, client_for, study):
    interview = _interview(study)
    services.member_add(study=study, user=personas.staff, actor=personas.researcher)
    segment = services.segment_create(
        interview=interview, code=study.codes.first(), coder=personas.researcher, start=0, end=10
    )
    response = client_for(personas.staff).post(reverse("research:segment-delete", args=[segment.pk]))
    assert response.status_code == 403
    assert CodedSegment.objects.filter(pk=segment.pk).exists()


def test_create_study_and_respondent_through_pages(personas, client_for):
    client = client_for(personas.researcher)
    response = client.post(
        reverse("research:study-create"),
        {"centre": personas.centre.pk, "title": "Новое исследование", "method": "Интервью"},
    )
    study = Study.objects.get(title="Новое исследование")
    assert response.status_code == 302
    response = client.post(
        reverse("research:respondent-create", args=[study.pk]),
        {
            "last_name": "Петрова",
            "first_name": "Анна",
            "category": "expert",
            "organisation": personas.ngo.inn,
        },
    )
    respondent = Respondent.objects.get(study=study)
    assert response.status_code == 302
    assert respondent.organisation == personas.ngo
    assert respondent.person.last_name == "Петрова"


def test_respondent_with_unknown_organisation_gets_field_error(personas, client_for, study):
    response = client_for(personas.researcher).post(
        reverse("research:respondent-create", args=[study.pk]),
        {
            "last_name": "Петрова",
            "first_name": "Анна",
            "category": "expert",
            "organisation": "Несуществующая",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["organisation"]
    assert Respondent.objects.filter(study=study).count() == 1


def test_researcher_of_other_centre_cannot_start_a_study_there(personas, client_for):
    response = client_for(personas.researcher).post(
        reverse("research:study-create"), {"centre": personas.other_centre.pk, "title": "Чужое"}
    )
    assert response.status_code == 200
    assert "centre" in response.context["form"].errors
    assert not Study.objects.filter(title="Чужое").exists()


def test_report_is_private_until_published(personas, client_for, study):
    url = reverse("research:report", args=[study.pk])
    assert client_for(None).get(url).status_code == 404
    assert client_for(personas.outsider).get(url).status_code == 404
    services.study_update(study=study, actor=personas.researcher, is_published=True)
    page = client_for(None).get(url)
    assert page.status_code == 200
    assert TRANSCRIPT[:20] not in page.content.decode()
    assert (
        client_for(None).get(reverse("research:interview-detail", args=[_interview(study).pk])).status_code
        == 302
    )


def test_only_managers_publish(personas, client_for, study):
    services.member_add(study=study, user=personas.staff, actor=personas.researcher)
    response = client_for(personas.other_staff).post(
        reverse("research:study-edit", args=[study.pk]), {"title": "X", "is_published": "on"}
    )
    assert response.status_code == 404
    study.refresh_from_db()
    assert not study.is_published


def test_analysis_report_and_pdf(personas, client_for, study):
    client = client_for(personas.researcher)
    analysis = client.get(reverse("research:analysis", args=[study.pk]))
    assert analysis.status_code == 200
    body = analysis.content.decode()
    network_src = reverse("research:analysis-network", args=[study.pk])
    assert (
        'data-chart="chart-ranking"' in body
        and 'id="network"' in body
        and f'data-src="{network_src}"' in body
    )
    report = client.get(reverse("research:report", args=[study.pk]))
    assert report.status_code == 200
    pdf = client.get(reverse("research:report-pdf", args=[study.pk]))
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")


def test_study_list_query_count(personas, client_for, django_assert_max_num_queries):
    for index in range(6):
        make_respondent(make_study(personas, title=f"Исследование {index}"))
    client = client_for(personas.researcher)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("research:study-list"))
    assert response.status_code == 200
    assert len(response.context["studies"]) == 6


def test_study_detail_and_nomination_list_query_counts(
    personas, client_for, study, django_assert_max_num_queries
):
    for _ in range(8):
        respondent = make_respondent(study)
        services.nomination_create(respondent=respondent, organisation=OrganisationFactory())
    client = client_for(personas.researcher)
    with django_assert_max_num_queries(20):
        assert client.get(reverse("research:study-detail", args=[study.pk])).status_code == 200
    with django_assert_max_num_queries(20):
        assert client.get(reverse("research:nomination-list", args=[study.pk])).status_code == 200


def test_sector_view(personas, client_for):
    response = client_for(personas.researcher).get(reverse("research:sector"))
    assert response.status_code == 200
    assert response.context["chosen"] == personas.centre
    assert client_for(personas.outsider).get(reverse("research:sector")).status_code == 403


def test_coding_and_respondent_pages_query_counts(personas, client_for, study, django_assert_max_num_queries):
    interview = _interview(study)
    services.member_add(study=study, user=personas.staff, actor=personas.researcher)
    for coder in (personas.researcher, personas.staff):
        for code in study.codes.all()[:4]:
            services.segment_create(interview=interview, code=code, coder=coder, start=0, end=40)
    for _ in range(5):
        make_interview(make_respondent(study))
    client = client_for(personas.researcher)
    with django_assert_max_num_queries(25):
        response = client.get(reverse("research:coding", args=[study.pk]))
    assert response.status_code == 200
    assert response.context["agreement"]["interviews"] == 1
    with django_assert_max_num_queries(20):
        assert (
            client.get(reverse("research:respondent-detail", args=[interview.respondent_id])).status_code
            == 200
        )
    code = study.codes.first()
    with django_assert_max_num_queries(12):
        assert client.get(reverse("research:code-detail", args=[code.pk])).status_code == 200


def test_interview_upload_in_cp1251_and_refused_binary(personas, client_for, study):
    from django.core.files.uploadedfile import SimpleUploadedFile

    respondent = Respondent.objects.get(study=study)
    client = client_for(personas.researcher)
    url = reverse("research:interview-create", args=[respondent.pk])
    bad = SimpleUploadedFile("t.txt", b"\x00\x01\x02" * 100)
    response = client.post(url, {"held_on": "2026-10-05", "mode": "video", "transcript_file": bad})
    assert response.status_code == 400
    assert response.context["form"].errors["transcript_file"]
    assert respondent.interviews.count() == 1
    good = SimpleUploadedFile("t.txt", TRANSCRIPT.encode("cp1251"))
    response = client.post(url, {"held_on": "2026-10-05", "mode": "video", "transcript_file": good})
    assert response.status_code == 302
    assert respondent.interviews.order_by("-pk").first().transcript == TRANSCRIPT


def test_coding_page_figures_follow_new_coding_and_list_interviews_by_page(personas, client_for, study):
    interview = _interview(study)
    services.member_add(study=study, user=personas.staff, actor=personas.researcher)
    first, second = study.codes.filter(is_codable=True)[:2]
    services.segment_create(interview=interview, code=first, coder=personas.researcher, start=0, end=40)
    services.segment_create(interview=interview, code=first, coder=personas.staff, start=0, end=40)
    client = client_for(personas.researcher)
    url = reverse("research:coding", args=[study.pk])

    def figures():
        context = client.get(url).context
        matrix = {code.pk: row for code, row in context["co_matrix"]}
        return context["agreement"]["overall"], matrix

    before, matrix = figures()
    assert before.percent == 1.0 and sum(matrix[second.pk]) == 0
    services.segment_create(interview=interview, code=second, coder=personas.staff, start=0, end=40)
    after, matrix = figures()
    assert after.percent < 1.0 and sum(matrix[second.pk]) > 0  # not the figures computed before
    services.code_create(study=study, name="Новый код", parent=None, color="#123456", description="")
    assert "Новый код" in [code.name for code, _row in client.get(url).context["co_matrix"]]

    for _n in range(30):
        make_interview(make_respondent(study))
    page_one, page_two = client.get(url).context, client.get(url, {"page": 2}).context
    assert len(page_one["interviews"]) == 25 and len(page_two["interviews"]) == 6
    assert {i.pk for i in page_one["interviews"]}.isdisjoint(i.pk for i in page_two["interviews"])
