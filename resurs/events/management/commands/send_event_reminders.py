"""Remind participants of tomorrow's events (run daily, e.g. from cron at 10:00)."""

from django.core.management.base import BaseCommand

from resurs.events.services import event_reminders_send


class Command(BaseCommand):
    help = "E-mail a reminder to participants of events that start tomorrow."

    def handle(self, *args, **options):
        count = event_reminders_send()
        self.stdout.write(f"reminders queued: {count}")
