import pytest

from resurs.core.demo import DemoContext, build_demo


@pytest.mark.django_db(transaction=True)
def test_demo_builds_events_and_information_space(reference_data):
    from resurs.events.models import Event, Registration
    from resurs.outreach.models import (
        AnnouncementDelivery,
        MediaContact,
        PressAnnouncement,
        Publication,
        SocialChallenge,
    )

    build_demo(DemoContext(scale=0.05, log=lambda _m: None))
    forum = Event.objects.get(kind="forum")
    assert forum.is_multi_day and forum.sessions.filter(speakers__isnull=False).exists()
    assert Registration.objects.filter(status="waitlisted").exists()
    assert Event.objects.exclude(outcomes="").filter(materials__isnull=False).exists()
    assert MediaContact.objects.count() >= 8
    sent = PressAnnouncement.objects.filter(status="sent")
    assert sent.count() == 2
    # The logged deliveries never include anyone who had unsubscribed or had not consented.
    assert not AnnouncementDelivery.objects.filter(contact__unsubscribed_at__isnull=False).exists()
    assert not AnnouncementDelivery.objects.filter(contact__consent_given_on__isnull=True).exists()
    assert Publication.objects.filter(kind="print", year__range=(1995, 2015)).count() >= 4
    assert Publication.objects.filter(
        title_ru="Доступность социальных услуг для пожилых в малых городах"
    ).exists()
    assert SocialChallenge.objects.filter(organisations__isnull=False, regions__isnull=False).exists()
