# A met log with no duration passed the check (NULL comparisons are unknown, which a CHECK accepts).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("meetings", "0002_default_topics")]

    operations = [
        migrations.RemoveConstraint(
            model_name="meetinglog",
            name="a_meeting_has_a_date_and_a_sane_duration",
        ),
        migrations.AddConstraint(
            model_name="meetinglog",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("met", False),
                    models.Q(
                        ("met_on__isnull", False),
                        ("duration_minutes__isnull", False),
                        ("duration_minutes__gt", 0),
                        ("duration_minutes__lte", 600),
                    ),
                    _connector="OR",
                ),
                name="a_meeting_has_a_date_and_a_sane_duration",
            ),
        ),
    ]
