"""Re-encrypt every self-identification row with the newest key of ``IDENTITY_KEYS``.

``IDENTITY_KEYS`` lists Fernet keys, newest first: answers are encrypted with the first key and read with
any of them (mentorship/crypto.py). Rotating a key, for example once a year or when someone who knew it
leaves:

1. Generate a key: ``python manage.py rotate_identity_key --new-key``. Keep it with the other secrets of the
   deployment, never in the repository.
2. Put it first, keeping the old key after it: ``IDENTITY_KEYS=<new key>,<old key>``. Deploy to every process
   (web, Celery worker, Celery beat): new answers are now encrypted with the new key, old ones still read.
3. Run ``python manage.py rotate_identity_key --dry-run`` to see how many rows still use an old key, then
   ``python manage.py rotate_identity_key``. It works in batches, one transaction each, and leaves alone the
   rows already on the newest key: stopping it halfway is harmless, and running it again finishes the job.
4. Run ``--dry-run`` once more: it must report that no row would change. A row no key can read (tampered
   with, or encrypted with a key already removed) makes the command fail and names the row's id.
5. Remove the old key: ``IDENTITY_KEYS=<new key>``, and deploy. Database backups taken before step 3 are
   still encrypted with the old key: keep the old key, as securely, as long as those backups are kept.
"""

from argparse import RawDescriptionHelpFormatter

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, DjangoHelpFormatter
from django.db import transaction
from django.db.models import TextField, Value
from django.db.models.functions import Cast

from applications.models import SelfIdentification
from mentorship import crypto


class HelpFormatter(DjangoHelpFormatter, RawDescriptionHelpFormatter):
    """Django's order of options, with the procedure above printed as written."""


class Command(BaseCommand):
    help = __doc__  # ``--help`` prints the whole procedure

    def create_parser(self, prog_name, subcommand, **kwargs):
        return super().create_parser(prog_name, subcommand, formatter_class=HelpFormatter, **kwargs)

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Only count the rows that would be re-encrypted; change nothing."
        )
        parser.add_argument(
            "--new-key", action="store_true", help="Print a freshly generated Fernet key and exit (nothing is read)."
        )
        parser.add_argument(
            "--batch-size", type=int, default=500, help="Rows re-encrypted per transaction (default: 500)."
        )

    def handle(self, *args, dry_run: bool = False, new_key: bool = False, batch_size: int = 500, **options):
        if new_key:
            self.stdout.write(Fernet.generate_key().decode("ascii"))
            return
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        newest = Fernet(settings.IDENTITY_KEYS[0])
        total = stale = 0
        unreadable: list[int] = []
        last_pk = 0
        while True:
            with transaction.atomic():
                batch = self.batch_after(last_pk, batch_size, lock=not dry_run)
                for pk, token in batch:
                    try:
                        newest.decrypt(token)
                        continue  # already on the newest key: left alone, which makes a second run a no-op
                    except InvalidToken:
                        pass
                    try:
                        rotated = crypto.rotate(token)
                    except (InvalidToken, ValueError):  # ValueError: not even ASCII
                        unreadable.append(pk)
                        continue
                    stale += 1
                    if not dry_run:
                        # A Value, not the field: the token is encrypted already and is written as it is.
                        token_value = Value(rotated, output_field=TextField())
                        SelfIdentification.objects.filter(pk=pk).update(answers=token_value)
            if not batch:
                break
            total += len(batch)
            last_pk = batch[-1][0]
            if options["verbosity"] >= 2:
                self.stdout.write(f"{total} rows read, {stale} {'to re-encrypt' if dry_run else 're-encrypted'}")

        if dry_run:
            self.stdout.write(f"{stale} of {total} self-identification rows would be re-encrypted with the newest key.")
        else:
            self.stdout.write(
                self.style.SUCCESS(f"Re-encrypted {stale} of {total} self-identification rows with the newest key.")
            )
        if unreadable:
            ids = ", ".join(str(pk) for pk in unreadable[:20]) + (", ..." if len(unreadable) > 20 else "")
            raise CommandError(
                f"{len(unreadable)} self-identification rows could not be read with any key of IDENTITY_KEYS "
                f"(ids: {ids}). Do not remove an old key until they are dealt with."
            )

    @staticmethod
    def batch_after(last_pk: int, size: int, *, lock: bool) -> list[tuple[int, str]]:
        """(pk, stored token) of the next ``size`` rows after ``last_pk``, locked when they are to be rewritten."""
        rows = SelfIdentification.objects.filter(pk__gt=last_pk).order_by("pk")
        if lock:
            rows = rows.select_for_update()  # an applicant saving their answers meanwhile waits for this batch
        # The token as stored: the cast keeps the field from decrypting it.
        return list(rows.annotate(token=Cast("answers", TextField())).values_list("pk", "token")[:size])
