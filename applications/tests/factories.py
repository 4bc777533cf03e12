import factory
from django.utils import timezone

from accounts.tests.factories import UserFactory
from applications.models import (
    Answer,
    Application,
    ConfidenceRating,
    ConfidenceStatement,
    OutreachChannel,
    Question,
    Review,
    RubricCriterion,
    SelfIdentification,
    Tag,
)
from cohorts.models import Role
from cohorts.tests.factories import CohortFactory


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tag

    kind = Tag.Kind.SKILL
    name_en = factory.Sequence(lambda n: f"Skill {n}")
    name_fr = factory.Sequence(lambda n: f"Compétence {n}")


class OutreachChannelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OutreachChannel

    name_en = factory.Sequence(lambda n: f"Channel {n}")
    name_fr = factory.Sequence(lambda n: f"Canal {n}")


class ConfidenceStatementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ConfidenceStatement

    name_en = factory.Sequence(lambda n: f"I apply for roles even when I don't meet every requirement ({n})")
    name_fr = factory.Sequence(lambda n: f"Je postule même sans remplir toutes les exigences ({n})")


class RubricCriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RubricCriterion

    name_en = factory.Sequence(lambda n: f"Criterion {n}")
    name_fr = factory.Sequence(lambda n: f"Critère {n}")


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question

    cohort = factory.SubFactory(CohortFactory)
    role = Role.MENTEE
    kind = Question.Kind.LONG_TEXT
    text_en = factory.Sequence(lambda n: f"Question {n}?")
    text_fr = factory.Sequence(lambda n: f"Question {n} ?")
    position = factory.Sequence(lambda n: n)


class ApplicationFactory(factory.django.DjangoModelFactory):
    """A submitted application; pass status=Application.Status.DRAFT and submitted_at=None for a draft."""

    class Meta:
        model = Application
        skip_postgeneration_save = True

    cohort = factory.SubFactory(CohortFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.MENTEE
    status = Application.Status.SUBMITTED
    time_zone = "America/Toronto"
    availability = factory.LazyFunction(lambda: ["weekday_evening"])
    mentee_capacity = factory.LazyAttribute(lambda application: 2 if application.role == Role.MENTOR else None)
    submitted_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def goals(self, create, extracted, **kwargs):
        if create and extracted:
            self.goals.set(extracted)

    @factory.post_generation
    def skills(self, create, extracted, **kwargs):
        if create and extracted:
            self.skills.set(extracted)

    @factory.post_generation
    def industries(self, create, extracted, **kwargs):
        if create and extracted:
            self.industries.set(extracted)


class MentorApplicationFactory(ApplicationFactory):
    role = Role.MENTOR


class AnswerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Answer

    application = factory.SubFactory(ApplicationFactory)
    question = factory.SubFactory(
        QuestionFactory,
        cohort=factory.SelfAttribute("..application.cohort"),
        role=factory.SelfAttribute("..application.role"),
    )
    value = "Because I want to grow."


class ConfidenceRatingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ConfidenceRating

    application = factory.SubFactory(ApplicationFactory)
    statement = factory.SubFactory(ConfidenceStatementFactory)
    rating = 3


class SelfIdentificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SelfIdentification

    application = factory.SubFactory(ApplicationFactory)
    answers = factory.LazyFunction(lambda: {"gender": ["non_binary"], "trans": "yes", "racialized": ["black"]})
    consented_at = factory.LazyFunction(timezone.now)


class ReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Review

    application = factory.SubFactory(ApplicationFactory)
    reviewer = factory.SubFactory(UserFactory, is_staff=True)
    scores = factory.LazyFunction(dict)
    mean = None
