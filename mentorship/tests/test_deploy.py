"""The settings a deployment uses: `check --deploy`, a missing SECRET_KEY, the static files."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "k7#Qv9!mZp2@Lx4$Rt6^Wy8&Nb1*Hc3(Jd5)Fg0-Se7+Ua9=Ti2_Ko4",
    "IDENTITY_KEYS": "WzkMZqeif3bu8uaaOY0VT47x3S8xCy29pFRdhc4QE6I=",
    "ALLOWED_HOSTS": "mentorship.example.org",
    "EMAIL_URL": "smtp+tls://mailer:secret@smtp.example.org:587",
    "DEFAULT_FROM_EMAIL": "Mentorship <noreply@mentorship.example.org>",
}


def manage(*args: str, env: dict[str, str], **kwargs) -> subprocess.CompletedProcess:
    # Only the variables this test names: none inherited from the test session (SECURE_SSL_REDIRECT=0...).
    base = {"PATH": os.environ["PATH"], "LANG": "C.UTF-8"}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=base | env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        **kwargs,
    )


def test_check_deploy_is_clean_with_production_settings():
    result = manage("check", "--deploy", "--fail-level", "DEBUG", env=PRODUCTION)

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_production_refuses_to_start_without_a_secret_key_in_one_line():
    env = {key: value for key, value in PRODUCTION.items() if key != "SECRET_KEY"}

    result = manage("check", env=env)

    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "SECRET_KEY is not set: set the SECRET_KEY environment variable (or DEBUG=1 for local development)."
    ]


def test_production_refuses_to_start_without_the_identity_key_in_one_line():
    env = {key: value for key, value in PRODUCTION.items() if key != "IDENTITY_KEYS"}

    result = manage("check", env=env)

    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "IDENTITY_KEYS is not set: set it to a Fernet key (or DEBUG=1 for local development)."
    ]


def test_static_files_collect_for_production_with_a_manifest(tmp_path):
    result = manage("collectstatic", "--no-input", env=PRODUCTION | {"STATIC_ROOT": str(tmp_path)})

    assert result.returncode == 0, result.stderr
    manifest = json.loads((tmp_path / "staticfiles.json").read_text())["paths"]
    for path in ("vendor/bootstrap/bootstrap.min.css", "vendor/bootstrap/bootstrap.bundle.min.js", "css/site.css"):
        assert (tmp_path / manifest[path]).exists()
        assert (tmp_path / (manifest[path] + ".gz")).exists()
