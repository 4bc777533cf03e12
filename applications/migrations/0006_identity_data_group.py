"""The "Identity data" group: the one way staff are given to see self-identification answers.

Staff see the answers (application page, CSV export) only with ``applications.view_identity``; putting a
person in this group, rather than granting the permission one account at a time, keeps the short list of
who can see them in one place. Superusers have every permission.
"""

from django.db import migrations

GROUP = "Identity data"


def create_group(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    # On a new database the permissions are created only after every migration ran (post_migrate): create it
    # here the way Django would, so that the group holds it from the start.
    content_type, _created = ContentType.objects.get_or_create(app_label="applications", model="selfidentification")
    permission, _created = Permission.objects.get_or_create(
        content_type=content_type,
        codename="view_identity",
        defaults={"name": "Can see self-identification answers"},
    )
    group, _created = Group.objects.get_or_create(name=GROUP)
    group.permissions.add(permission)


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0005_historicalapplication_historicalreview_identitytally"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
