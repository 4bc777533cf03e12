"""How passwords are stored: Argon2id at the parameters OWASP recommends.

Django's default, PBKDF2 with 1,000,000 rounds, spends about 0.4 s of CPU on every log-in here, and a server of
two cores then answers nobody else while a few people log in at once (bench/bench_load.py). Argon2id is memory-
hard: each guess needs its 19 MiB, which is what makes it costly on the graphics cards used to crack passwords,
while a log-in costs about 25 ms of CPU. OWASP's Password Storage Cheat Sheet recommends Argon2id with "a
minimum configuration of 19 MiB of memory, an iteration count of 2, and 1 degree of parallelism" first, and
PBKDF2 only where FIPS-140 compliance is required. A password stored with older parameters or another hasher is
stored again with these at its owner's next log-in (Django's ``must_update``).
"""

from django.contrib.auth.hashers import Argon2PasswordHasher


class Argon2idPasswordHasher(Argon2PasswordHasher):
    """Django's Argon2 hasher (which is Argon2id) with OWASP's parameters instead of 100 MiB and 8 lanes."""

    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1
