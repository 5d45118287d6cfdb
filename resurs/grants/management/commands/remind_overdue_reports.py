"""Mail grantees whose reports are overdue (at most once a week per report). Run daily from cron or a timer."""

from django.core.management.base import BaseCommand

from resurs.grants.services import reports_remind_overdue


class Command(BaseCommand):
    help = "Remind grantees of overdue reports."

    def add_arguments(self, parser):
        parser.add_argument(
            "--enqueue", action="store_true", help="Queue the work for the task worker instead."
        )

    def handle(self, *args, enqueue: bool = False, **options):
        if enqueue:
            from resurs.grants.tasks import remind_overdue_reports_task

            remind_overdue_reports_task.enqueue()
            self.stdout.write("queued")
            return
        sent = reports_remind_overdue()
        self.stdout.write(f"{sent} reminder(s) queued")
