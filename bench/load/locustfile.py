"""The Locust file of the load test, run headless by ``bench/bench_load.py`` (never on its own in CI).

    locust -f bench/load/locustfile.py --headless --users 100 --spawn-rate 20 --run-time 60s --host http://...

Two modes, chosen by the environment variable ``LOAD_MODE``:

- ``mixed`` (the load run): 100 simulated people with think time, in fixed numbers per kind (``fixed_count``):
  mentors (their home, a pair page, logging a meeting: the form, then its POST; the home page), people at the
  speed-networking event (their schedule page), applicants (the application form) and staff (the admin list of
  applications). Everyone starts with the session cookie of an earlier visit (made by the benchmark, as a
  returning person's browser holds one); some of them log in again at a random moment of the run, through
  allauth's form (and, for staff, the second factor: a TOTP code computed from the secret the benchmark set).
- ``saturate`` (the throughput measure): ``LOAD_USERS`` users without think time request one flow at a time,
  every user the same flow, for ``LOAD_PHASE_SECONDS`` each, in the order of ``LOAD_PHASES``, from the wall-clock
  moment ``LOAD_T0``. The bare view is one of the flows, so every flow's throughput is measured the same way.

Every request is recorded (its start, duration, flow name, success and, for a meeting log, the pair and week it
created) to the JSON-lines file ``LOAD_SAMPLES`` when Locust stops; the benchmark computes every figure from it.
Accounts, sessions, pairs and addresses come from the JSON file ``LOAD_ACCOUNTS`` that the benchmark writes.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import itertools
import json
import os
import random
import re
import struct
import time
from http.cookiejar import Cookie
from pathlib import Path

from locust import between, constant, events, task
from locust.contrib.fasthttp import FastHttpUser

MODE = os.environ.get("LOAD_MODE", "mixed")
ACCOUNTS = json.loads(Path(os.environ["LOAD_ACCOUNTS"]).read_text()) if os.environ.get("LOAD_ACCOUNTS") else {}
SAMPLES_PATH = os.environ.get("LOAD_SAMPLES", "")
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')

_samples: list[list] = []
_counters: dict[str, itertools.count] = {}


@events.request.add_listener
def _record(request_type, name, response_time, response_length, exception=None, context=None, start_time=None, **_):
    began = start_time if start_time is not None else time.time() - response_time / 1000
    extra = (context or {}).get("log")
    _samples.append(
        [round(began, 4), name, round(response_time, 2), exception is None, extra, str(exception or "")[:200]]
    )


@events.quitting.add_listener
def _write_samples(**_):
    if SAMPLES_PATH:
        with open(SAMPLES_PATH, "w") as out:
            for sample in _samples:
                out.write(json.dumps(sample) + "\n")


def next_account(kind: str) -> dict:
    """The next account of a kind: each simulated person is a different one."""
    counter = _counters.setdefault(kind, itertools.count())
    accounts = ACCOUNTS[kind]
    return accounts[next(counter) % len(accounts)]


def totp_code(secret: str, at: float) -> tuple[int, str]:
    """RFC 6238 (SHA-1, 6 digits, 30 s): allauth's defaults. Returns (time step, code)."""
    step = int(at // 30)
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    digest = hmac.new(key, struct.pack(">Q", step), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return step, f"{value % 1_000_000:06d}"


class Person(FastHttpUser):
    """A person of the program: one account, one address (X-Forwarded-For), one browser's cookies."""

    abstract = True
    kind = ""
    wait_time = between(1, 5)  # think time, seconds: Locust's usual example
    # Fraction of these people who log in again (a session ended, another device) at a random moment of the run.
    relogin_share = 0.2

    def on_start(self) -> None:
        # Locust starts each second's people (the spawn rate) in one batch, so their first requests would all leave
        # in the same millisecond; people arriving at 20 a second come one after another. Each waits a random part
        # of a second before the first request.
        time.sleep(random.uniform(0, 1))
        self.account = next_account(self.kind)
        self.address = self.account["address"]
        self.set_session(self.account["session"])
        self.login_at = None
        if random.random() < self.relogin_share:
            self.login_at = time.time() + random.uniform(3, float(os.environ.get("LOAD_RELOGIN_WITHIN", "50")))
        self.last_totp_step = -1

    def set_session(self, key: str) -> None:
        self.client.cookiejar.clear()
        host = ACCOUNTS["host"]
        self.client.cookiejar.set_cookie(
            Cookie(0, "sessionid", key, None, False, host, False, False, "/", True, False, None, False, None, None, {})
        )

    def headers(self) -> dict:
        return {"X-Forwarded-For": self.address, "Accept-Language": "en"}

    def get_page(self, path: str, name: str, expect: int = 200):
        with self.client.get(
            path, name=name, headers=self.headers(), allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != expect:
                response.failure(
                    f"HTTP {response.status_code} (expected {expect}) {response.headers.get('Location', '')}"
                )
            return response

    def maybe_login(self) -> bool:
        """Log in again through allauth's form if this person's moment has come; True if they did (or tried)."""
        if self.login_at is None or time.time() < self.login_at:
            return False
        self.login_at = None
        self.client.cookiejar.clear()  # a browser without the old session
        if not self.login():
            # The attempt failed (and counts as an error): back to the old session, to try again a little later.
            self.set_session(self.account["session"])
            self.login_at = time.time() + 5
        return True

    def login(self) -> bool:
        page = self.get_page("/accounts/login/", "login_page")
        match = CSRF.search(page.text or "")
        if page.status_code != 200 or not match:
            return False
        wanted = "/accounts/2fa/authenticate/" if self.account.get("totp") else "/"
        with self.client.post(
            "/accounts/login/",
            name="login",
            data={
                "csrfmiddlewaretoken": match.group(1),
                "login": self.account["email"],
                "password": ACCOUNTS["password"],
            },
            headers={**self.headers(), "Referer": ACCOUNTS["base_url"] + "/accounts/login/"},
            allow_redirects=False,
            catch_response=True,
        ) as response:
            location = response.headers.get("Location", "")
            if response.status_code != 302 or location != wanted:
                response.failure(f"login: HTTP {response.status_code} to {location!r}, expected 302 to {wanted}")
                return False
        return self.second_factor() if self.account.get("totp") else True

    def second_factor(self) -> bool:
        page = self.get_page("/accounts/2fa/authenticate/", "login_code_page")
        match = CSRF.search(page.text or "")
        if page.status_code != 200 or not match:
            return False
        # A person reads the code from their app; one about to expire (allauth accepts the current 30 s step only),
        # or used already (allauth refuses it again), they wait for the next one.
        now = time.time()
        step, code = totp_code(self.account["totp"], now)
        if step == self.last_totp_step or 30 - now % 30 < 8:
            time.sleep(30 - now % 30 + 0.2)
            step, code = totp_code(self.account["totp"], time.time())
        self.last_totp_step = step
        with self.client.post(
            "/accounts/2fa/authenticate/",
            name="login_code",
            data={"csrfmiddlewaretoken": match.group(1), "code": code},
            headers={**self.headers(), "Referer": ACCOUNTS["base_url"] + "/accounts/2fa/authenticate/"},
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302 or response.headers.get("Location") != "/":
                response.failure(f"code: HTTP {response.status_code} to {response.headers.get('Location')!r}")
                return False
        return True


class Mentor(Person):
    kind = "mentors"
    fixed_count = int(os.environ.get("LOAD_MENTORS", "60"))

    def on_start(self) -> None:
        super().on_start()
        self.open_weeks = list(self.account["open_weeks"])  # week numbers without a log, latest first

    @task(4)
    def mentor_home(self) -> None:
        if not self.maybe_login():
            self.get_page("/mentoring/", "mentor_home")

    @task(3)
    def pair(self) -> None:
        self.get_page(f"/mentoring/pairs/{self.account['match']}/", "pair")

    @task(2)
    def log_meeting(self) -> None:
        if not self.open_weeks:
            self.get_page(f"/mentoring/pairs/{self.account['match']}/", "pair")
            return
        number, match_id = self.open_weeks.pop(0), self.account["match"]
        path = f"/mentoring/pairs/{match_id}/weeks/{number}/log/"
        form = self.get_page(path, "log_form")
        match = CSRF.search(form.text or "")
        if form.status_code != 200 or not match:
            return
        monday = dt.date.fromisoformat(self.account["week_mondays"][str(number)])
        data = {
            "met": "True",
            "met_on": (monday + dt.timedelta(days=2)).isoformat(),
            "duration_minutes": "45",
            "format": "video",
            "shared_notes": f"Week {number}: went through the job search plan.",
        }
        with self.client.post(
            path,
            name="log_post",
            data={"csrfmiddlewaretoken": match.group(1), **data},
            headers={**self.headers(), "Referer": ACCOUNTS["base_url"] + path},
            allow_redirects=False,
            catch_response=True,
            context={"log": [match_id, number]},  # the benchmark looks for this row
        ) as response:
            location = response.headers.get("Location", "")
            if response.status_code != 302 or not location.startswith(f"/mentoring/pairs/{match_id}/#log-"):
                response.failure(f"log: HTTP {response.status_code} to {location!r}")

    @task(1)
    def home(self) -> None:
        self.get_page("/", "home")


class EventGoer(Person):
    kind = "event"
    fixed_count = int(os.environ.get("LOAD_EVENT", "20"))

    @task(5)
    def event_schedule(self) -> None:
        if not self.maybe_login():
            self.get_page(f"/events/{ACCOUNTS['event_id']}/", "event_schedule")

    @task(1)
    def home(self) -> None:
        self.get_page("/", "home")


class Applicant(Person):
    kind = "applicants"
    fixed_count = int(os.environ.get("LOAD_APPLICANTS", "14"))

    @task(4)
    def application_form(self) -> None:
        if not self.maybe_login():
            self.get_page(ACCOUNTS["apply_path"], "application_form")

    @task(1)
    def home(self) -> None:
        self.get_page("/", "home")


class Staff(Person):
    kind = "staff"
    fixed_count = int(os.environ.get("LOAD_STAFF", "6"))
    relogin_share = 1.0  # staff sessions idle out after 30 minutes: every one logs in, with the second factor

    @task(4)
    def admin_application_list(self) -> None:
        if not self.maybe_login():
            self.get_page("/admin/applications/application/", "admin_application_list")

    @task(1)
    def home(self) -> None:
        self.get_page("/", "home")


class Saturate(FastHttpUser):
    """The throughput measure: no think time; every user requests the current phase's flow."""

    wait_time = constant(0)
    fixed_count = 0

    def on_start(self) -> None:
        self.number = next(_counters.setdefault("saturate", itertools.count()))
        self.phases = json.loads(os.environ.get("LOAD_PHASES", "[]"))
        self.t0 = float(os.environ.get("LOAD_T0", "0"))
        self.seconds = float(os.environ.get("LOAD_PHASE_SECONDS", "5"))
        self.address = f"10.9.{self.number // 250}.{self.number % 250 + 1}"

    @task
    def request(self) -> None:
        now = time.time()
        if now < self.t0:
            time.sleep(min(self.t0 - now, 0.5))
            return
        index = int((now - self.t0) // self.seconds)
        if index >= len(self.phases):
            self.stop()
            return
        phase = self.phases[index]
        session = phase["sessions"][self.number % len(phase["sessions"])] if phase["sessions"] else None
        path = phase["paths"][self.number % len(phase["paths"])]
        self.client.cookiejar.clear()
        headers = {"X-Forwarded-For": self.address, "Accept-Language": "en"}
        if session:
            headers["Cookie"] = f"sessionid={session}"
        with self.client.get(
            path, name=phase["name"], headers=headers, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")


if MODE == "saturate":
    Saturate.fixed_count = int(os.environ.get("LOAD_USERS", "12"))
    for _class in (Mentor, EventGoer, Applicant, Staff):
        _class.fixed_count = 0
        _class.abstract = True
else:
    Saturate.abstract = True
