"""Self-identification answers move to an encrypted column (keys from IDENTITY_KEYS)."""

import json

from django.db import migrations

import mentorship.crypto


def encrypt_answers(apps, schema_editor):
    SelfIdentification = apps.get_model("applications", "SelfIdentification")
    for identity in SelfIdentification.objects.only("pk", "answers"):
        answers = identity.answers if isinstance(identity.answers, dict) else json.loads(identity.answers or "{}")
        SelfIdentification.objects.filter(pk=identity.pk).update(encrypted_answers=answers)


class Migration(migrations.Migration):
    dependencies = [("applications", "0003_default_choice_lists")]

    operations = [
        migrations.AddField(
            model_name="selfidentification",
            name="encrypted_answers",
            field=mentorship.crypto.EncryptedJSONField(blank=True, default=dict),
        ),
        migrations.RunPython(encrypt_answers, migrations.RunPython.noop),
        migrations.RemoveField(model_name="selfidentification", name="answers"),
        migrations.RenameField(model_name="selfidentification", old_name="encrypted_answers", new_name="answers"),
    ]
