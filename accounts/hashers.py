"""How passwords are stored: Argon2id at one of the settings OWASP recommends.

Django's default, PBKDF2 with 1,000,000 rounds, spends about 0.4 s of CPU on every log-in here, and a server of
two cores then answers nobody else while a few people log in at once (bench/bench_load.py). Argon2id is memory-
hard: each guess needs its memory, which is what makes it costly on the graphics cards used to crack passwords.
OWASP's Password Storage Cheat Sheet recommends Argon2id with "a minimum configuration of 19 MiB of memory, an
iteration count of 2, and 1 degree of parallelism", and lists settings that "provide an equal level of defense,
and the only difference is a trade off between CPU and RAM usage", down to 7 MiB with 5 iterations. That one is
used here: on the 2-core machine of bench/bench_load.py a log-in's hash takes 25 ms instead of 37 ms at 19 MiB
(fewer fresh pages for the processor to fill), and log-ins are the slowest answers of the load test. PBKDF2 is
for FIPS-140 compliance only. A password stored with other parameters or another hasher is stored again with
these at its owner's next log-in (Django's ``must_update``).
https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html#argon2id
"""

from django.contrib.auth.hashers import Argon2PasswordHasher


class Argon2idPasswordHasher(Argon2PasswordHasher):
    """Django's Argon2 hasher (which is Argon2id) with OWASP's parameters instead of 100 MiB and 8 lanes."""

    time_cost = 5
    memory_cost = 7 * 1024  # KiB
    parallelism = 1
