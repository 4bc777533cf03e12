"""The self-identification questions: fixed in code so that reports can count answers across years.

Every question is optional and offers "prefer not to say", which reports count as its own category.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

PREFER_NOT_TO_SAY = "prefer_not_to_say"


@dataclass(frozen=True)
class IdentityQuestion:
    key: str
    label: str
    choices: tuple[tuple[str, str], ...]
    multiple: bool = False


IDENTITY_QUESTIONS = (
    IdentityQuestion(
        "gender",
        _("How do you describe your gender?"),
        (
            ("woman", _("Woman")),
            ("man", _("Man")),
            ("non_binary", _("Non-binary")),
            ("two_spirit", _("Two-Spirit")),
            ("another", _("Another gender")),
            (PREFER_NOT_TO_SAY, _("Prefer not to say")),
        ),
        multiple=True,
    ),
    IdentityQuestion(
        "trans",
        _("Do you identify as trans?"),
        (("yes", _("Yes")), ("no", _("No")), (PREFER_NOT_TO_SAY, _("Prefer not to say"))),
    ),
    IdentityQuestion(
        "lgbtq",
        _("Do you identify as lesbian, gay, bisexual, queer or another sexual minority?"),
        (("yes", _("Yes")), ("no", _("No")), (PREFER_NOT_TO_SAY, _("Prefer not to say"))),
    ),
    IdentityQuestion(
        "racialized",
        _("How do you describe your racial or ethnic identity?"),
        (
            ("black", _("Black")),
            ("indigenous", _("Indigenous")),
            ("east_asian", _("East Asian")),
            ("south_asian", _("South Asian")),
            ("southeast_asian", _("Southeast Asian")),
            ("latin_american", _("Latin American")),
            ("middle_eastern_north_african", _("Middle Eastern or North African")),
            ("white", _("White")),
            ("another", _("Another identity")),
            (PREFER_NOT_TO_SAY, _("Prefer not to say")),
        ),
        multiple=True,
    ),
    IdentityQuestion(
        "disability",
        _("Do you identify as a person with a disability?"),
        (("yes", _("Yes")), ("no", _("No")), (PREFER_NOT_TO_SAY, _("Prefer not to say"))),
    ),
    IdentityQuestion(
        "newcomer",
        _("Did you arrive in Canada in the last five years?"),
        (("yes", _("Yes")), ("no", _("No")), (PREFER_NOT_TO_SAY, _("Prefer not to say"))),
    ),
    IdentityQuestion(
        "affinity",
        _("Would you like to be matched with someone who shares part of your identity?"),
        (
            ("gender", _("Yes: my gender identity")),
            ("lgbtq", _("Yes: also LGBTQ+")),
            ("racialized", _("Yes: also Black, Indigenous or a person of colour")),
            ("disability", _("Yes: also a person with a disability")),
            ("no_preference", _("No preference")),
            (PREFER_NOT_TO_SAY, _("Prefer not to say")),
        ),
        multiple=True,
    ),
)

QUESTIONS_BY_KEY = {question.key: question for question in IDENTITY_QUESTIONS}
