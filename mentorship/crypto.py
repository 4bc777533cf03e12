"""Encryption at rest for the most sensitive data we hold: self-identification answers.

The keys come from the environment (``IDENTITY_KEYS``, comma-separated Fernet keys, newest first) and
never from the repository. ``cryptography``'s MultiFernet encrypts with the first key and decrypts with
any of them, which is what a rotation needs: put a new key first, run ``manage.py rotate_identity_key``
to re-encrypt every row with it, then remove the old key. Fernet is authenticated encryption (AES-128-CBC
with HMAC-SHA256): a changed ciphertext is refused, never decrypted to something else.
https://cryptography.io/en/latest/fernet/
"""

import json

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models


def identity_cipher() -> MultiFernet:
    return MultiFernet([Fernet(key) for key in settings.IDENTITY_KEYS])


def encrypt(data: object) -> str:
    return identity_cipher().encrypt(json.dumps(data, sort_keys=True).encode()).decode("ascii")


def decrypt(token: str) -> object:
    try:
        return json.loads(identity_cipher().decrypt(token.encode("ascii")))
    except InvalidToken as error:
        # No key of IDENTITY_KEYS opens it: a key was removed before rotating, or the row was tampered with.
        raise ValueError("an encrypted value could not be read with the keys of IDENTITY_KEYS") from error


def rotate(token: str) -> str:
    """The same data encrypted with the newest key."""
    return identity_cipher().rotate(token.encode("ascii")).decode("ascii")


class EncryptedJSONField(models.TextField):
    """JSON data stored encrypted: the column holds a Fernet token, Python sees the dict or list.

    It cannot be filtered on in SQL (by design: the database never sees an answer).
    """

    description = "JSON encrypted at rest"

    def from_db_value(self, value, expression, connection):
        return None if value is None else decrypt(value)

    def to_python(self, value):
        if value is None or isinstance(value, dict | list):
            return value
        try:
            return decrypt(value)
        except ValueError:
            try:
                return json.loads(value)
            except (TypeError, json.JSONDecodeError) as error:
                raise ValidationError("Enter valid JSON.") from error

    def get_prep_value(self, value):
        return None if value is None else encrypt(value)

    def value_to_string(self, obj):
        # Serialisation (dumpdata, fixtures) writes the token, never the answers.
        return self.get_prep_value(self.value_from_object(obj))

    def formfield(self, **kwargs):
        return None  # answers are edited only through the applicant's own form
