"""Registry services: organisations, ties, proposals (with e-mail), consent, export and erasure of personal data."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import time_machine
from auditlog.models import LogEntry
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from resurs.accounts.tests.factories import UserFactory
from resurs.registry import services
from resurs.registry.choices import ProposalStatus, TieRole
from resurs.registry.models import Field, Organisation
from resurs.registry.tests.factories import OrganisationFactory, PersonFactory, TieFactory, region
from resurs.registry.validators import complete_inn10

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 11, 26, 10, 0, tzinfo=dt.UTC)


class TestOrganisations:
    def test_create_records_the_actor_outside_a_request(self, personas):
        organisation = services.organisation_create(
            actor=personas.staff,
            data={"name": "АНО «Новая»", "inn": complete_inn10("540000001"), "region": region("54")},
        )
        entry = LogEntry.objects.get_for_object(organisation).get()
        assert entry.actor == personas.staff and entry.action == LogEntry.Action.CREATE

    def test_duplicate_inn_names_the_holder(self, personas):
        existing = OrganisationFactory(short_name="АНО «Первая»")
        with pytest.raises(ValidationError) as caught:
            services.organisation_create(actor=personas.staff, data={"name": "Вторая", "inn": existing.inn})
        assert "АНО «Первая»" in caught.value.message_dict["inn"][0]
        assert Organisation.objects.filter(inn=existing.inn).count() == 1

    @time_machine.travel(NOW, tick=False)
    def test_future_founding_date_refused(self, personas):
        with pytest.raises(ValidationError) as caught:
            services.organisation_create(
                actor=personas.staff, data={"name": "Будущая", "founded_on": dt.date(2026, 11, 27)}
            )
        assert "founded_on" in caught.value.message_dict

    def test_update_sets_fields_and_is_audited(self, personas):
        field = Field.objects.first()
        updated = services.organisation_update(
            organisation=personas.ngo, actor=personas.manager, data={"city": "Томск", "fields": [field]}
        )
        assert updated.city == "Томск" and list(updated.fields.all()) == [field]
        actors = {entry.actor for entry in LogEntry.objects.get_for_object(personas.ngo)}
        assert personas.manager in actors


class TestTies:
    def test_end_before_start_refused(self, personas):
        tie = TieFactory(started_on=dt.date(2020, 1, 1))
        with pytest.raises(ValidationError):
            services.tie_end(tie=tie, actor=personas.staff, ended_on=dt.date(2019, 1, 1))
        tie.refresh_from_db()
        assert tie.ended_on is None

    def test_create_and_end(self, personas):
        tie = services.tie_create(
            actor=personas.staff,
            person=PersonFactory(),
            organisation=personas.ngo,
            role=TieRole.VOLUNTEER,
            started_on=dt.date(2024, 1, 1),
        )
        services.tie_end(tie=tie, actor=personas.staff, ended_on=dt.date(2025, 6, 30))
        tie.refresh_from_db()
        assert tie.ended_on == dt.date(2025, 6, 30) and not tie.is_current


class TestProposals:
    def test_create_stores_old_and_new_only_for_changed_fields(self, personas):
        org = personas.ngo
        field = Field.objects.first()
        proposal = services.proposal_create(
            organisation=org,
            user=personas.ngo_rep,
            values={"name": org.name, "city": "Самара", "fields": [field]},
            comment="Переехали",
        )
        assert proposal.changes == {"city": [org.city, "Самара"], "fields": [[], [field.slug]]}
        assert proposal.status == ProposalStatus.PENDING

    def test_nothing_changed_is_refused(self, personas):
        with pytest.raises(ValidationError):
            services.proposal_create(
                organisation=personas.ngo, user=personas.ngo_rep, values={"name": personas.ngo.name}
            )

    def test_invalid_values_refused_at_proposal_time(self, personas):
        with pytest.raises(ValidationError) as caught:
            services.proposal_create(
                organisation=personas.ngo, user=personas.ngo_rep, values={"name": "Ж" * 501}
            )
        assert "name" in caught.value.message_dict

    def test_approve_applies_audits_and_mails(self, personas, django_capture_on_commit_callbacks):
        org = personas.ngo
        field = Field.objects.first()
        proposal = services.proposal_create(
            organisation=org, user=personas.ngo_rep, values={"city": "Самара", "fields": [field]}
        )
        with django_capture_on_commit_callbacks(execute=True):
            services.proposal_approve(proposal=proposal, reviewer=personas.staff, note="Проверили")
        org.refresh_from_db()
        proposal.refresh_from_db()
        assert org.city == "Самара" and list(org.fields.all()) == [field]
        assert proposal.status == ProposalStatus.APPROVED and proposal.reviewed_by == personas.staff
        entries = LogEntry.objects.get_for_object(org)
        assert any(entry.actor == personas.staff and "city" in entry.changes_dict for entry in entries)
        assert len(mail.outbox) == 1
        assert mail.outbox[0].to == [personas.ngo_rep.email]
        assert "одобрены" in mail.outbox[0].subject
        with pytest.raises(ValidationError):
            services.proposal_approve(proposal=proposal, reviewer=personas.staff)

    def test_reject_needs_a_note_and_mails(self, personas, django_capture_on_commit_callbacks):
        proposal = services.proposal_create(
            organisation=personas.ngo, user=personas.ngo_rep, values={"city": "Самара"}
        )
        with pytest.raises(ValidationError):
            services.proposal_reject(proposal=proposal, reviewer=personas.staff, note=" ")
        with django_capture_on_commit_callbacks(execute=True):
            services.proposal_reject(proposal=proposal, reviewer=personas.staff, note="Нет подтверждения")
        proposal.refresh_from_db()
        personas.ngo.refresh_from_db()
        assert proposal.status == ProposalStatus.REJECTED and personas.ngo.city != "Самара"
        assert "Нет подтверждения" in mail.outbox[0].body


class TestPersonalData:
    @time_machine.travel(NOW, tick=False)
    def test_consent_given_and_withdrawn_with_timestamps(self, personas):
        person = PersonFactory()
        services.person_consent_set(person=person, actor=personas.staff, given=True)
        person.refresh_from_db()
        assert person.has_consent and person.consent_given_at == NOW
        assert person.consent_text_version == services.CONSENT_TEXT_VERSION
        services.person_consent_set(person=person, actor=personas.staff, given=False)
        person.refresh_from_db()
        assert not person.has_consent and person.consent_withdrawn_at == NOW

    def test_person_changes_own_consent_through_the_page(self, personas, client_for):
        person = PersonFactory()
        user = personas.outsider
        user.person = person
        user.save(update_fields=["person"])
        client = client_for(user)
        response = client.post(reverse("registry:person-consent", args=[person.pk]), {"given": "on"})
        assert response.status_code == 302
        person.refresh_from_db()
        assert person.has_consent

    def test_download_my_data(self, personas, client_for):
        person = PersonFactory(last_name="Орлова", email="orlova@example.org")
        TieFactory(person=person, organisation=personas.ngo, role=TieRole.LEADER)
        user = personas.ngo_rep
        user.person = person
        user.save(update_fields=["person"])
        from resurs.accounts.services import api_token_create

        api_token_create(user=user, name="Интеграция")
        response = client_for(user).get(reverse("registry:my-data"))
        assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
        data = json.loads(response.content)
        assert data["account"]["username"] == user.username
        assert data["person"]["last_name"] == "Орлова"
        assert data["person"]["ties"][0]["role"] == TieRole.LEADER
        assert data["representations"][0]["organisation_id"] == personas.ngo.pk
        assert data["api_tokens"][0]["name"] == "Интеграция"
        assert "digest" not in json.dumps(data["api_tokens"])

    def test_erase_anonymises_keeps_ties_and_closes_the_account(self, personas, client_for):
        person = PersonFactory(last_name="Орлова", email="orlova@example.org", phone="+7 900 000-00-00")
        services.person_consent_set(person=person, actor=None, given=True)
        tie = TieFactory(person=person, organisation=personas.ngo, title="Директор")
        user = UserFactory()
        user.person = person
        user.save(update_fields=["person"])
        client = client_for(user)
        response = client.post(reverse("registry:my-data-erase"), {"confirm": "yes"})
        assert response.status_code == 302
        person.refresh_from_db()
        user.refresh_from_db()
        tie.refresh_from_db()
        assert person.last_name == services.ERASED_NAME and person.first_name == ""
        assert person.email == "" and person.phone == "" and person.erased_at is not None
        assert not person.has_consent
        assert tie.organisation == personas.ngo and tie.title == ""
        assert not user.is_active and "orlova" not in user.email
        events = [entry.additional_data for entry in LogEntry.objects.get_for_object(person)]
        assert {"event": "erased"} in events
        # the session is over
        assert client.get(reverse("registry:organisation-list")).status_code == 302

    def test_erase_without_a_person_closes_the_account(self, personas):
        services.personal_data_erase(user=personas.outsider, actor=personas.outsider)
        personas.outsider.refresh_from_db()
        assert not personas.outsider.is_active
