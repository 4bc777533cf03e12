from django.utils.translation import get_language

from .models import Language, User


def language_for_recipient(*, email: str, user: User | None = None) -> str:
    """The language an email to this address is written in: the account's saved language if we know
    the person, else the language of the page they are on."""
    if user is None or not getattr(user, "pk", None):
        user = User.objects.with_email(email).only("language").first()
    if user is not None and user.language:
        return user.language
    language = (get_language() or Language.ENGLISH)[:2]
    return language if language in Language.values else Language.ENGLISH


def user_language_set(*, user: User, language: str) -> User:
    """Save the language a signed-in person chose in the switcher; it follows them to every device."""
    if language in Language.values and user.language != language:
        user.language = language
        user.save(update_fields=["language"])
    return user


def user_profile_update(*, user: User, preferred_name: str, pronouns: str, time_zone: str, language: str) -> User:
    user.preferred_name = preferred_name
    user.pronouns = pronouns
    user.time_zone = time_zone
    user.language = language
    user.full_clean()
    user.save(update_fields=["preferred_name", "pronouns", "time_zone", "language"])
    return user
