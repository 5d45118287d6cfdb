"""Services: studies and the default codebook, transcripts in odd encodings, coding, nominations and flags."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from resurs.registry.choices import TieRole
from resurs.registry.tests.factories import OrganisationFactory, PersonFactory, TieFactory
from resurs.research import services
from resurs.research.choices import MemberRole, NominationSource, NominationStatus
from resurs.research.models import CodedSegment, Nomination, StudyMember
from resurs.research.tests.factories import TRANSCRIPT, make_interview, make_respondent, make_study
from resurs.research.transcripts import decode_transcript

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """Messages are asserted in English (the msgids); the product's default language is Russian."""
    with translation.override("en"):
        yield


def test_study_create_makes_author_lead_and_default_codebook(personas):
    study = make_study(personas)
    assert StudyMember.objects.get(study=study).user == personas.researcher
    assert StudyMember.objects.get(study=study).role == MemberRole.LEAD
    top = list(study.codes.filter(parent=None).order_by("order").values_list("name", flat=True))
    assert top == [
        "Информационное пространство",
        "Обучение и грантовая система",
        "Взаимодействие с властью",
        "Бизнес в советах НКО",
    ]
    assert study.codes.exclude(parent=None).count() == 4


def test_study_create_refuses_another_centre(personas):
    with pytest.raises(ValidationError):
        services.study_create(centre=personas.other_centre, title="Чужое", actor=personas.researcher)


def test_member_add_only_people_of_the_centre(personas):
    study = make_study(personas)
    services.member_add(study=study, user=personas.staff, actor=personas.researcher)
    with pytest.raises(ValidationError):
        services.member_add(study=study, user=personas.other_staff, actor=personas.researcher)
    assert set(study.members.values_list("user__username", flat=True)) == {"researcher_p", "staff_p"}


def test_last_lead_cannot_leave(personas):
    study = make_study(personas)
    with pytest.raises(ValidationError):
        services.member_remove(member=study.members.get(), actor=personas.researcher)


@pytest.mark.parametrize("encoding", ["cp1251", "koi8_r", "utf-16", "cp866", "utf-8-sig"])
def test_transcript_in_other_encodings_is_converted(encoding):
    text, detected = decode_transcript(TRANSCRIPT.encode(encoding))
    assert text == TRANSCRIPT
    assert detected


def test_binary_or_empty_transcript_is_refused_with_a_message():
    with pytest.raises(ValidationError, match="not a text file"):
        decode_transcript(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 20)
    with pytest.raises(ValidationError, match="empty"):
        decode_transcript(b"   ")


def test_interview_from_uploaded_cp1251_file(personas):
    respondent = make_respondent(make_study(personas))
    upload = SimpleUploadedFile("t.txt", TRANSCRIPT.replace("\n", "\r\n").encode("cp1251"))
    interview = services.interview_create(respondent=respondent, held_on=dt.date(2026, 10, 2), upload=upload)
    assert interview.transcript == TRANSCRIPT
    assert interview.source_encoding == "cp1251"
    assert interview.transcript_file.read().decode("utf-8") == TRANSCRIPT


def test_interview_with_unreadable_file_is_not_saved(personas):
    respondent = make_respondent(make_study(personas))
    upload = SimpleUploadedFile("t.doc", bytes(range(256)) * 4)
    with pytest.raises(ValidationError) as error:
        services.interview_create(respondent=respondent, held_on=dt.date(2026, 10, 2), upload=upload)
    assert "transcript_file" in error.value.message_dict
    assert respondent.interviews.count() == 0


def test_segment_is_trimmed_and_empty_passage_refused(personas):
    study = make_study(personas)
    interview = make_interview(make_respondent(study))
    code = study.codes.get(name="Информационное пространство")
    start = TRANSCRIPT.index("Они задают")
    segment = services.segment_create(
        interview=interview, code=code, coder=personas.researcher, start=start - 1, end=start + 30
    )
    assert segment.start == start
    assert segment.text == TRANSCRIPT[start : start + 30]
    with pytest.raises(ValidationError, match="Select a passage"):
        services.segment_create(interview=interview, code=code, coder=personas.researcher, start=5, end=5)
    newline = TRANSCRIPT.index("\n")
    with pytest.raises(ValidationError, match="Select a passage"):
        services.segment_create(
            interview=interview, code=code, coder=personas.researcher, start=newline, end=newline + 1
        )
    with pytest.raises(ValidationError, match="Select a passage"):
        services.segment_create(
            interview=interview, code=code, coder=personas.researcher, start=None, end=None
        )
    with pytest.raises(ValidationError, match="outside"):
        services.segment_create(
            interview=interview, code=code, coder=personas.researcher, start=0, end=10_000
        )
    assert CodedSegment.objects.count() == 1


def test_code_of_another_study_is_refused(personas):
    study = make_study(personas)
    other = make_study(personas, title="Другое")
    interview = make_interview(make_respondent(study))
    with pytest.raises(ValidationError):
        services.segment_create(
            interview=interview, code=other.codes.first(), coder=personas.researcher, start=0, end=10
        )


def test_code_names_are_unique_per_study(personas):
    study = make_study(personas)
    parent = study.codes.get(name="Взаимодействие с властью")
    code = services.code_create(study=study, name="Общественные палаты", parent=parent, color="#123456")
    assert code.parent == parent
    with pytest.raises(ValidationError):
        services.code_create(study=study, name="общественные палаты")


def test_self_and_partner_nominations_are_flagged(personas):
    own = OrganisationFactory()
    partner = OrganisationFactory()
    stranger = OrganisationFactory()
    board_member = PersonFactory()
    TieFactory(person=board_member, organisation=own, role=TieRole.LEADER)
    TieFactory(person=board_member, organisation=partner, role=TieRole.BOARD_MEMBER)
    respondent = make_respondent(make_study(personas), organisation=own)
    self_n = services.nomination_create(respondent=respondent, organisation=own)
    partner_n = services.nomination_create(respondent=respondent, organisation=partner)
    other_n = services.nomination_create(respondent=respondent, organisation=stranger)
    assert (self_n.is_self, self_n.is_partner) == (True, False)
    assert (partner_n.is_self, partner_n.is_partner) == (False, True)
    assert (other_n.is_self, other_n.is_partner) == (False, False)


def test_ended_ties_do_not_make_partners(personas):
    own, former = OrganisationFactory(), OrganisationFactory()
    person = PersonFactory()
    TieFactory(person=person, organisation=own)
    TieFactory(
        person=person, organisation=former, started_on=dt.date(2010, 1, 1), ended_on=dt.date(2012, 1, 1)
    )
    assert former.pk not in services.partner_organisation_ids(own.pk)


def test_unknown_name_stays_unmatched_until_resolved(personas):
    respondent = make_respondent(make_study(personas))
    nomination = services.nomination_create(
        respondent=respondent, name="Клуб «Совсем неизвестные»", areas=["networks"]
    )
    assert nomination.organisation is None
    assert nomination.status == NominationStatus.CONFIRMED
    target = OrganisationFactory(name="Клуб «Неизвестные»")
    services.nomination_resolve(nomination=nomination, organisation=target, actor=personas.researcher)
    nomination.refresh_from_db()
    assert nomination.organisation == target


def test_clear_name_is_matched_automatically(personas):
    org = OrganisationFactory(
        name="Автономная некоммерческая организация «Агентство социальной информации»",
        short_name="АНО «Агентство социальной информации»",
    )
    respondent = make_respondent(make_study(personas))
    nomination = services.nomination_create(respondent=respondent, name="Агентство социальной информации")
    assert nomination.organisation == org


def test_duplicate_and_invalid_nominations_are_refused(personas):
    org = OrganisationFactory()
    respondent = make_respondent(make_study(personas))
    services.nomination_create(respondent=respondent, organisation=org)
    with pytest.raises(ValidationError, match="already nominated"):
        services.nomination_create(respondent=respondent, organisation=org)
    with pytest.raises(ValidationError, match="Unknown area"):
        services.nomination_create(respondent=respondent, name="Кто-то", areas=["astrology"])
    with pytest.raises(ValidationError):
        services.nomination_create(respondent=respondent, name="")
    assert Nomination.objects.count() == 1


def test_transcript_organisations_become_candidates(personas):
    org = OrganisationFactory(
        name="Автономная некоммерческая организация «Агентство социальной информации»",
        short_name="Агентство социальной информации",
    )
    respondent = make_respondent(make_study(personas))
    interview = make_interview(
        respondent,
        transcript="Респондент: Мы много работали с Агентством социальной информации. "
        "Ещё помогал фонд «Нужна помощь».",
    )
    found = services.nominations_from_transcript(interview=interview)
    assert all(
        n.status == NominationStatus.CANDIDATE and n.source == NominationSource.TRANSCRIPT for n in found
    )
    by_name = {n.name: n for n in found}
    assert by_name["Агентством социальной информации"].organisation == org
    assert by_name["Агентством социальной информации"].quote.startswith("Респондент: Мы много работали")
    assert by_name["Нужна помощь"].organisation is None
    # running it again offers nothing new
    assert services.nominations_from_transcript(interview=interview) == []


def test_edit_of_coded_transcript_is_refused(personas):
    study = make_study(personas)
    interview = make_interview(make_respondent(study))
    services.segment_create(
        interview=interview, code=study.codes.first(), coder=personas.researcher, start=0, end=20
    )
    with pytest.raises(ValidationError):
        services.interview_update_transcript(
            interview=interview, transcript="Новый текст", actor=personas.researcher
        )
    interview.refresh_from_db()
    assert interview.transcript == TRANSCRIPT


def test_suggestions_without_trigram_extension_use_difflib(personas):
    from resurs.research.matching import suggest_organisations

    wanted = OrganisationFactory(
        name="Ассоциация «Клуб гражданских инициатив»", short_name="Клуб гражданских инициатив"
    )
    OrganisationFactory(name="Фонд «Зелёный город»", short_name="Зелёный город")
    suggestions = suggest_organisations("клуб гражданских инициатив Перми")
    assert suggestions[0].organisation == wanted
    assert suggest_organisations("Фо") == []


@pytest.mark.postgres
def test_trigram_suggestions_on_postgres(personas, requires_postgres):
    from django.db import connection

    from resurs.research.matching import has_trigram_extension, suggest_organisations

    with connection.cursor() as cursor:
        cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    assert has_trigram_extension()
    wanted = OrganisationFactory(
        name="Ассоциация «Клуб гражданских инициатив»", short_name="Клуб гражданских инициатив"
    )
    OrganisationFactory(name="Фонд «Зелёный город»", short_name="Зелёный город")
    suggestions = suggest_organisations("Клубом гражданских инициатив")
    assert suggestions[0].organisation == wanted


def test_respondent_codes_are_unique_within_a_study(personas):
    study = make_study(personas)
    make_respondent(study, code="R02")
    assert make_respondent(study).code == "R03"
    with pytest.raises(ValidationError, match="already has this code"):
        make_respondent(study, code="R02")
