"""The lists staff start from: confidence statements, outreach channels, goals, skills, industries,
rubric criteria. Staff edit them in the admin; this runs once, on an empty database."""

from django.db import migrations

CONFIDENCE = [
    (
        "I apply for roles even when I don't meet every requirement.",
        "Je postule à des postes même quand je ne remplis pas toutes les exigences.",
    ),
    ("I can explain the value I bring to a team.", "Je sais expliquer ce que j’apporte à une équipe."),
    ("I ask for help when I need it.", "Je demande de l’aide quand j’en ai besoin."),
    ("I speak up in meetings with senior people.", "Je prends la parole en réunion devant des personnes seniors."),
    ("I can negotiate my salary.", "Je sais négocier mon salaire."),
    ("I feel I belong in the tech industry.", "Je sens que j’ai ma place dans le secteur technologique."),
]
CHANNELS = [
    ("A friend or colleague", "Une amie, un ami ou une ou un collègue"),
    ("A community group or network", "Un groupe communautaire ou un réseau"),
    ("LinkedIn", "LinkedIn"),
    ("Instagram or other social media", "Instagram ou un autre réseau social"),
    ("A school, bootcamp or university", "Une école, un bootcamp ou une université"),
    ("An event or meetup", "Un événement ou une rencontre"),
    ("Our newsletter", "Notre infolettre"),
    ("A past participant", "Une ancienne ou un ancien participant"),
]
TAGS = {
    "goal": [
        ("Land my first tech job", "Décrocher mon premier emploi en technologie"),
        ("Change careers into tech", "Me réorienter vers la technologie"),
        ("Get promoted", "Obtenir une promotion"),
        ("Become a manager", "Devenir gestionnaire"),
        ("Found a company", "Fonder une entreprise"),
        ("Grow my confidence", "Prendre confiance en moi"),
        ("Build my network", "Développer mon réseau"),
        ("Negotiate pay", "Négocier ma rémunération"),
    ],
    "skill": [
        ("Software development", "Développement logiciel"),
        ("Data and analytics", "Données et analytique"),
        ("Product management", "Gestion de produit"),
        ("UX and design", "UX et design"),
        ("DevOps and cloud", "DevOps et infonuagique"),
        ("Security", "Sécurité"),
        ("Quality assurance", "Assurance qualité"),
        ("People leadership", "Leadership d’équipe"),
        ("Public speaking", "Prise de parole en public"),
    ],
    "industry": [
        ("Software and SaaS", "Logiciels et SaaS"),
        ("Finance and fintech", "Finance et technologies financières"),
        ("Health", "Santé"),
        ("Games", "Jeux vidéo"),
        ("Public sector and non-profits", "Secteur public et organismes sans but lucratif"),
        ("Artificial intelligence", "Intelligence artificielle"),
        ("Retail and e-commerce", "Commerce de détail et en ligne"),
        ("Start-ups", "Jeunes pousses"),
    ],
}
CRITERIA = [
    ("Motivation", "Motivation"),
    ("Fit with the program", "Adéquation avec le programme"),
    ("Clarity of goals", "Clarté des objectifs"),
    ("Commitment and availability", "Engagement et disponibilité"),
]


def install(apps, schema_editor):
    ConfidenceStatement = apps.get_model("applications", "ConfidenceStatement")
    OutreachChannel = apps.get_model("applications", "OutreachChannel")
    Tag = apps.get_model("applications", "Tag")
    RubricCriterion = apps.get_model("applications", "RubricCriterion")
    for model, rows in ((ConfidenceStatement, CONFIDENCE), (OutreachChannel, CHANNELS), (RubricCriterion, CRITERIA)):
        if not model.objects.exists():
            model.objects.bulk_create(
                model(name_en=en, name_fr=fr, position=position) for position, (en, fr) in enumerate(rows)
            )
    if not Tag.objects.exists():
        Tag.objects.bulk_create(
            Tag(kind=kind, name_en=en, name_fr=fr, position=position)
            for kind, rows in TAGS.items()
            for position, (en, fr) in enumerate(rows)
        )


class Migration(migrations.Migration):
    dependencies = [("applications", "0002_initial")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
