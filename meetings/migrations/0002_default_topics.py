"""The meeting topics staff start from; they edit the list in the admin."""

from django.db import migrations

TOPICS = [
    ("Interview practice", "Pratique d’entrevue"),
    ("CV and cover letter", "CV et lettre de présentation"),
    ("Networking", "Réseautage"),
    ("Leadership", "Leadership"),
    ("Negotiation", "Négociation"),
    ("Job search", "Recherche d’emploi"),
    ("Technical skills", "Compétences techniques"),
    ("Confidence and belonging", "Confiance en soi et sentiment d’appartenance"),
    ("Career plan", "Plan de carrière"),
]


def add_topics(apps, schema_editor):
    Topic = apps.get_model("meetings", "Topic")
    if not Topic.objects.exists():
        Topic.objects.bulk_create(
            Topic(name_en=en, name_fr=fr, position=position) for position, (en, fr) in enumerate(TOPICS, start=1)
        )


class Migration(migrations.Migration):
    dependencies = [("meetings", "0001_initial")]

    operations = [migrations.RunPython(add_topics, migrations.RunPython.noop)]
