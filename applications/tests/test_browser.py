"""A French-speaking person applies as mentee on a phone (draft, resume, submit), staff accept in the
admin, the decision email arrives in French, and the person is a participant of the cohort."""

import re
from pathlib import Path

import pytest
from django.core import mail

from accounts.tests.factories import PASSWORD, StaffFactory, UserFactory, totp_code
from applications.models import Application, Question
from cohorts.models import Participant
from cohorts.tests.factories import CohortFactory

from .factories import QuestionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parents[2] / "test-output" / "screenshots"


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"apply-{name}.png"), full_page=True)


def log_in(page, email: str, button: str) -> None:
    page.goto("/accounts/login/")
    page.locator("#id_login").fill(email)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name=button).click()
    page.wait_for_load_state()


def test_apply_as_mentee_then_staff_accept_in_the_admin(browser_page, live_server):
    cohort = CohortFactory(name_fr="Cohorte d’automne")
    why = QuestionFactory(
        cohort=cohort, text_en="Why do you want to join?", text_fr="Pourquoi voulez-vous participer ?"
    )
    QuestionFactory(
        cohort=cohort,
        kind=Question.Kind.SINGLE_CHOICE,
        text_en="Preferred format?",
        text_fr="Format préféré ?",
        choices_en="Video\nIn person",
        choices_fr="Vidéo\nEn personne",
    )
    applicant = UserFactory(language="fr", preferred_name="Fatou Diallo")
    page = browser_page(locale="fr-CA")

    log_in(page, applicant.email, "Connexion")
    page.goto(cohort.get_absolute_url())
    page.get_by_role("link", name="Postuler comme mentoré·e").click()
    page.get_by_label("Pourquoi voulez-vous participer ?").fill("Pour prendre confiance <et> apprendre.")
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    page.wait_for_load_state()
    shot(page, "1-draft-saved")
    assert page.get_by_text("Votre brouillon est enregistré").is_visible()

    page.goto("/applications/")  # come back later, from the dashboard
    page.get_by_role("link", name=re.compile("Cohorte d’automne")).click()
    page.get_by_role("link", name="Modifier mes réponses").click()
    assert (
        page.get_by_label("Pourquoi voulez-vous participer ?").input_value() == "Pour prendre confiance <et> apprendre."
    )
    page.get_by_label("En personne").check()
    page.get_by_label("Soirs de semaine").check()
    for group in page.locator("[id^=div_id_confidence_]").all():
        group.get_by_label("4", exact=True).check()
    shot(page, "2-form")
    page.get_by_role("button", name="Enregistrer et continuer").click()
    page.wait_for_load_state()
    page.get_by_role("button", name="Passer cette étape").click()
    page.wait_for_load_state()
    page.get_by_role("button", name="Soumettre ma candidature").click()
    page.wait_for_load_state()
    shot(page, "3-submitted")
    application = Application.objects.get(user=applicant)
    assert application.status == Application.Status.SUBMITTED
    assert application.answers.get(question=why).value == "Pour prendre confiance <et> apprendre."

    staff = StaffFactory(language="en")
    desk = browser_page(width=1280, height=900)
    desk.goto("/admin/login/")  # allauth's login page, then its second-factor step
    desk.locator("#id_login").fill(staff.email)
    desk.locator("#id_password").fill(PASSWORD)
    desk.get_by_role("button", name="Sign In").click()
    desk.locator("#id_code").fill(totp_code(staff))
    desk.get_by_role("button", name="Sign In").click()
    desk.wait_for_url("**/admin/")
    desk.goto(f"/admin/applications/application/?cohort__id__exact={cohort.pk}")
    desk.locator(f"input[name=_selected_action][value='{application.pk}']").check()
    desk.locator("select[name=action]").select_option("accept")
    desk.get_by_role("button", name="Go").click()
    desk.wait_for_load_state()
    desk.screenshot(path=str(SHOTS / "apply-4-staff-accepted.png"), full_page=True)

    application.refresh_from_db()
    assert application.status == Application.Status.ACCEPTED
    decision = next(message for message in mail.outbox if message.to == [applicant.email])
    assert "acceptée" in decision.subject
    assert "Bonjour Fatou Diallo" in decision.body
    participant = Participant.objects.get(user=applicant)
    assert (participant.cohort, participant.role, participant.status) == (cohort, "mentee", "active")

    page.goto("/applications/")
    shot(page, "5-dashboard")
    assert page.get_by_text("Ajouter les ateliers à mon agenda (.ics)").is_visible()
