"""E-mail over real SMTP (a local aiosmtpd server): text + HTML, the recipient's
language, preferences, no pupil data, outage and bounce with retry, digest once."""

import datetime as dt

import pytest
from django.utils import timezone

from devices.models import Loan
from notifications import reminders, services
from notifications.choices import Delivery, Kind, MailState
from notifications.mail import send_digests, send_pending
from notifications.models import Notification
from notifications.services import Message, notify
from tests.devices.factories import DeviceFactory

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()


def message(key="k1", kind=Kind.CHANGES_REQUESTED, board=None, **params):
    return Message(
        kind=kind,
        board_id=board,
        url="/foerderung/antraege/1/",
        dedupe_key=key,
        params={"object": "FA-2026-0001", "date": "2026-12-24", **params},
    )


def bodies(msg) -> tuple[str, str]:
    text = msg.get_body(("plain",)).get_content()
    html = msg.get_body(("html",)).get_content()
    return text, html


def test_mail_has_text_and_html_in_the_recipients_language(smtp, mailed):
    world = mailed
    staff, admin = world.user("board_staff"), world.user("board_admin")
    services.preferences_update(actor=staff, data={"language": "en"})
    notify(message(board=world.board.pk, reason="Bitte ergänzen"), [staff, admin])
    assert send_pending() == (2, 0)
    english = smtp.recorder.to(staff.email)[0]
    german = smtp.recorder.to(admin.email)[0]
    assert english["Subject"] == "[Paktwerk] Nachforderung for FA-2026-0001: reply by 24 Dec 2026"
    assert german["Subject"].strip().startswith("[Paktwerk] Nachforderung für FA-2026-0001")
    assert "24.12.2026" in german["Subject"]
    text, html = bodies(english)
    assert "Bitte ergänzen" in text and "http://127.0.0.1:8000/foerderung/antraege/1/" in text
    assert '<a href="http://127.0.0.1:8000/foerderung/antraege/1/">' in html
    assert english["Content-Language"] == "en" and german["Content-Language"] == "de"
    assert set(Notification.objects.values_list("mail_state", flat=True)) == {MailState.SENT}
    assert send_pending() == (0, 0)  # nothing twice


def test_preferences_digest_and_off(smtp, mailed):
    world = mailed
    staff, admin = world.user("board_staff"), world.user("board_admin")
    services.preferences_update(
        actor=staff, data={"deliveries": {Kind.CHANGES_REQUESTED: Delivery.DIGEST}}
    )
    services.preferences_update(
        actor=admin, data={"deliveries": {Kind.CHANGES_REQUESTED: Delivery.OFF}}
    )
    notify(message("a"), [staff, admin])
    notify(message("b", kind=Kind.PAID), [staff, admin])  # other kind: immediately
    assert send_pending() == (2, 0)
    assert Notification.objects.get(recipient=admin, dedupe_key="a").mail_state == MailState.NONE
    assert send_digests() == (1, 1)
    digest = smtp.recorder.to(staff.email)[-1]
    assert "Zusammenfassung" in digest["Subject"]
    assert "FA-2026-0001" in bodies(digest)[0]
    # the digest runs twice: sends once
    assert send_digests() == (0, 0)
    assert len(smtp.recorder.to(staff.email)) == 2
    assert len(smtp.recorder.to(admin.email)) == 1
    # every notification is in the inbox, whatever the e-mail preference
    assert Notification.objects.filter(recipient=admin).count() == 2


def test_unknown_preference_is_refused_and_nothing_changes(mailed):
    from django.core.exceptions import ValidationError

    staff = mailed.user("board_staff")
    with pytest.raises(ValidationError) as exc:
        services.preferences_update(
            actor=staff, data={"language": "en", "deliveries": {"paid": "hourly"}}
        )
    assert "tägliche Zusammenfassung" in str(exc.value)
    assert services.profile_of(staff).language == "de"


def test_smtp_down_then_up_delivers_once(smtp, mailed, settings):
    world = mailed
    staff = world.user("board_staff")
    smtp.stop()
    notify(message(), [staff])
    assert send_pending() == (0, 1)
    row = Notification.objects.get()
    assert row.mail_state == MailState.RETRYING and row.mail_attempts == 1
    assert "Connection" in row.mail_error or "refused" in row.mail_error.lower()
    assert row.mail_next_try > timezone.now()
    # not yet due: the backoff holds the next attempt back
    smtp.start()
    assert send_pending() == (0, 0)
    assert send_pending(now=row.mail_next_try + dt.timedelta(seconds=1)) == (1, 0)
    assert send_pending(now=row.mail_next_try + dt.timedelta(hours=1)) == (0, 0)
    assert len(smtp.recorder.to(staff.email)) == 1
    row.refresh_from_db()
    assert row.mail_state == MailState.SENT and row.mail_error == ""
    assert row.read_at is None  # still in the inbox, unread


def test_bouncing_address_fails_alone_and_gives_up_after_max_attempts(smtp, mailed, settings):
    settings.NOTIFICATIONS = {**settings.NOTIFICATIONS, "MAIL_MAX_ATTEMPTS": 2}
    world = mailed
    staff, admin = world.user("board_staff"), world.user("board_admin")
    admin.email = "bounce@example.org"
    admin.save()
    notify(message(), [staff, admin])
    assert send_pending() == (1, 1)
    bounced = Notification.objects.get(recipient=admin)
    assert bounced.mail_state == MailState.RETRYING
    assert "550" in bounced.mail_error
    later = timezone.now() + dt.timedelta(days=1)
    assert send_pending(now=later) == (0, 1)
    bounced.refresh_from_db()
    assert bounced.mail_state == MailState.FAILED and bounced.mail_attempts == 2
    assert send_pending(now=later + dt.timedelta(days=1)) == (0, 0)  # gave up
    assert Notification.objects.filter(recipient=admin).count() == 1  # kept in the inbox


def test_a_request_never_fails_when_smtp_is_down(
    smtp, mailed, draft, client_for, django_capture_on_commit_callbacks
):
    """The board submits while the mail server is down: 302, the reviewer's inbox has it."""
    world = mailed
    smtp.stop()
    client = client_for(world.user("board_staff"))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/foerderung/antraege/{draft.pk}/einreichen/")
    assert response.status_code in (302, 200), response.status_code
    note = Notification.objects.get(recipient=world.user("reviewer"))
    assert note.mail_state == MailState.RETRYING


def test_no_pupil_name_in_any_mail(smtp, mailed, settings):
    world = mailed
    device = DeviceFactory(school=world.school, status="in_stock")
    loan = Loan.objects.create(
        school_board=world.board,
        school=world.school,
        borrower_kind="pupil",
        borrower_name="Mia Schmidt-Kowalski",
        school_class="7b",
        guardian_name="Karin Schmidt-Kowalski",
        guardian_contact="0391 123456",
        school_year="2025/26",
        start_date=TODAY - dt.timedelta(days=60),
        due_date=TODAY - dt.timedelta(days=2),
        status="handed_out",
    )
    assert device and loan
    assert reminders.loan_overdue_reminders() == 1
    note = Notification.objects.get()
    assert note.recipient == world.user("school_staff")
    assert send_pending() == (1, 0)
    raw = smtp.messages[0].as_string()
    for secret in ("Mia", "Schmidt-Kowalski", "Karin", "0391", "7b"):
        assert secret not in raw
    assert loan.contract_number in smtp.messages[0]["Subject"]
