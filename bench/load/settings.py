"""The product's settings, plus what the load test needs (``bench/bench_load.py``; never used in production).

- ``ROOT_URLCONF``: the product's URLs plus one bare view (``bench.load.urls``), the ceiling of the comparison.
- ``ALLAUTH_TRUSTED_PROXY_COUNT``: the load comes from 100 simulated people on one address, 127.0.0.1. Each
  sends its own address in ``X-Forwarded-For``, as a proxy in front of the site would; allauth's rate limits
  (``ACCOUNT_RATE_LIMITS``, unchanged) then count per person as in production, instead of throttling the whole
  load as one client.
"""

from mentorship.settings import *  # noqa: F403

ROOT_URLCONF = "bench.load.urls"
ALLAUTH_TRUSTED_PROXY_COUNT = 1

# The server's errors (tracebacks of 500 answers) also go to a file the benchmark can show: gunicorn's own log is
# kept by bench/common.py only when the server fails to start or stop. A fresh clone has no test-output/ yet.
(BASE_DIR / "test-output").mkdir(exist_ok=True)  # noqa: F405
LOGGING = {
    **LOGGING,  # noqa: F405
    "handlers": {
        **LOGGING["handlers"],  # noqa: F405
        "file": {"class": "logging.FileHandler", "filename": str(BASE_DIR / "test-output" / "bench-load-server.log")},  # noqa: F405
    },
    "root": {"handlers": ["console", "file"], "level": "WARNING"},
}
