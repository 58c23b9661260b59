"""Text a tip: signed webhook, the guided conversation in English and Spanish, privacy of the number,
staff questions relayed by text, the reporter's replies on the tip, STOP/HELP, purge, rate limit."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client, TestCase
from django.urls import reverse
from django.utils import timezone

from beacon.core.crypto import blind_index
from beacon.core.models import AuditEvent
from beacon.tips import sms
from beacon.tips.models import SmsConversation, Tip, TipMessage

from .conftest import JACKSON, routed_slugs

TOKEN = "test-auth-token"  # noqa: S105 - a test value
NUMBER = "+13145550123"
URL = "/sms/inbound/"


@pytest.fixture(autouse=True)
def gateway(settings: Any) -> list[tuple[str, str]]:
    settings.BEACON_SMS_AUTH_TOKEN = TOKEN
    settings.BEACON_SMS_PROVIDER = "console"
    settings.BEACON_BASE_URL = "https://beacon.example.org"
    sms.ConsoleGateway.OUTBOX.clear()
    return sms.ConsoleGateway.OUTBOX


def text(body: str, number: str = NUMBER, *, token: str = TOKEN, extra: dict[str, str] | None = None) -> Any:
    """What the gateway does: sign the public URL and the sorted parameters, then post."""
    params = {"From": number, "To": "+15550000000", "Body": body, "MessageSid": "SM1", **(extra or {})}
    signature = sms.signature("https://beacon.example.org" + URL, params, token)
    with TestCase.captureOnCommitCallbacks(execute=True):  # replies are queued after commit
        return Client().post(URL, params, HTTP_X_TWILIO_SIGNATURE=signature)


def ask(client: Any, tip: Tip, body: str) -> Any:
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(reverse("tips:ask", args=[tip.pk]), {"body": body})


def replies(outbox: list[tuple[str, str]]) -> list[str]:
    bodies = [b for to, b in outbox]
    assert all(to == NUMBER for to, _ in outbox)
    outbox.clear()
    return bodies


def test_signature_matches_twilio_reference_example() -> None:
    """The example of Twilio's security documentation (URL, parameters, token, expected signature)."""
    params = {"CallSid": "CA1234567890ABCDE", "Caller": "+12349013030", "Digits": "1234", "From": "+12349013030",
              "To": "+18005551212"}
    url = "https://mycompany.com/myapp.php?foo=1&bar=2"
    assert sms.signature(url, params, "12345") == "0/KCTR6DLpKmkAf8muzZqo1nDgQ="


def test_unsigned_or_wrongly_signed_posts_are_refused(mo: Any, gateway: Any) -> None:
    assert Client().post(URL, {"From": NUMBER, "Body": "hello"}).status_code == 403
    assert text("hello there, this is a tip", token="wrong").status_code == 403  # noqa: S106
    assert Client().get(URL).status_code == 405
    assert not SmsConversation.objects.exists() and gateway == []
    assert AuditEvent.objects.filter(action="denied", object_type="sms_webhook").count() == 2


def test_conversation_in_english_creates_a_routed_tip(mo: Any, gateway: Any) -> None:
    response = text("hi")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/xml")
    assert "What happened?" in replies(gateway)[-1]
    text("A girl is kept in the back room of the massage place and never leaves.")
    assert "Where did it happen?" in replies(gateway)[0]
    text("Independence")  # a city, resolved to Jackson County
    assert "immediate danger" in replies(gateway)[0]
    text("the blue car")  # not an answer: asked again
    assert "YES, NO or DON'T KNOW" in replies(gateway)[0]
    text("No")
    assert "under 18" in replies(gateway)[0]
    text("yes")
    tip = Tip.objects.get()
    done = replies(gateway)
    assert tip.receipt_code in done[0] and "passphrase" not in done[0].lower()
    assert tip.county_id == JACKSON and routed_slugs(tip) == {"kansas-city"} and tip.minor and not tip.danger
    assert tip.priority == 1 and tip.language == "en" and "Sent by text message" in tip.narrative
    assert tip.contact == ""  # the number is not the tip's contact field
    conversation = SmsConversation.objects.get()
    assert conversation.step == "open" and conversation.tip == tip and conversation.answers == {}


def test_number_is_never_stored_in_clear(mo: Any) -> None:
    text("Men bring women to the truck stop every night around ten.")
    conversation = SmsConversation.objects.get()
    assert conversation.thread_key == blind_index(NUMBER, purpose="sms") and conversation.number == NUMBER
    with connection.cursor() as cursor:
        cursor.execute("SELECT thread_key, number FROM tips_smsconversation")
        key, stored = cursor.fetchone()
    assert NUMBER not in stored and "3145550123" not in stored and stored.startswith("fernet:")
    dumped = " ".join(str(e.detail) + e.summary for e in AuditEvent.objects.all())
    assert "5550123" not in dumped
    assert not AuditEvent.objects.filter(object_type="sms_conversation").exclude(ip=None).exists()


def test_spanish_by_keyword_and_by_first_message(mo: Any, gateway: Any) -> None:
    text("ES")
    assert replies(gateway)[-1].startswith("¿Qué pasó?")
    text("Hay una mujer que no puede salir de la casa donde trabaja.")
    assert "¿Dónde pasó?" in replies(gateway)[0]
    text("64050")  # a ZIP code in Independence
    text("no sé")
    text("Sí")
    tip = Tip.objects.get()
    assert tip.language == "es" and tip.minor and not tip.danger and tip.county_id == JACKSON
    assert "Código de recibo" in replies(gateway)[-1]
    assert "Anyone in immediate danger: don't know" in tip.narrative
    other = "+18165550199"
    text("Hola, quiero reportar algo que vi en el trabajo", number=other)
    assert SmsConversation.objects.get(thread_key=blind_index(other, purpose="sms")).language == "es"


def test_help_and_stop(mo: Any, gateway: Any) -> None:
    text("A woman at the nail salon works every day and sleeps there.")
    gateway.clear()
    text("HELP")
    assert "1-888-373-7888" in replies(gateway)[0]
    text("stop")
    assert "number was deleted" in replies(gateway)[0]
    conversation = SmsConversation.objects.get()
    assert conversation.number == "" and conversation.closed_at is not None and conversation.answers == {}
    text("STOP")  # nothing open: nothing stored, nothing sent
    assert SmsConversation.objects.count() == 1 and gateway == []
    text("AYUDA", number="+13145550444")  # HELP as the first message: the help text, then the first question
    first = [b for _, b in gateway]
    assert "1-888-373-7888" in first[0] and first[1].startswith("¿Qué pasó?")


def _sms_tip(gateway: Any) -> Tip:
    for body in ["Three men keep a teenager in a trailer behind the gas station.", "Springfield", "yes", "yes"]:
        text(body)
    gateway.clear()
    return Tip.objects.get()


def test_staff_question_is_texted_and_reply_attached(mo: Any, gateway: Any, staff_client: Any, tf_user: Any) -> None:
    tip = _sms_tip(gateway)
    client, user = staff_client(user=tf_user("southwest", "investigator"))
    response = ask(client, tip, "What color is the trailer?")
    assert response.status_code == 302
    sent = replies(gateway)
    assert sent == [f"Question about your report {tip.receipt_code}: What color is the trailer? (Reply to answer.)"]
    event = AuditEvent.objects.get(actor=user, action="create", object_type="tip_message")
    assert event.detail["sms"] is True
    text("It is white with a blue door")
    message = tip.messages.get(kind=TipMessage.Kind.REPORTER)
    assert message.body == "It is white with a blue door"
    assert tip.receipt_code in replies(gateway)[0]


def test_question_on_a_web_tip_is_not_texted(mo: Any, gateway: Any, staff_client: Any, tf_user: Any, submit: Any) -> None:
    tip = submit(county_fips=JACKSON).tip
    client, _ = staff_client(user=tf_user("kansas-city", "investigator"))
    ask(client, tip, "Which motel?")
    assert gateway == [] and AuditEvent.objects.get(object_type="tip_message").detail["sms"] is False


def test_purge_wipes_idle_numbers_and_stops_relaying(mo: Any, gateway: Any, settings: Any,
                                                     staff_client: Any, tf_user: Any) -> None:
    tip = _sms_tip(gateway)
    text("Another man was there today too.", number="+13145550999")  # a fresh conversation, kept
    settings.BEACON_SMS_RETENTION_DAYS = 30
    SmsConversation.objects.filter(tip=tip).update(last_message_at=timezone.now() - timedelta(days=31))
    call_command("sms", "purge")
    old = SmsConversation.objects.get(tip=tip)
    assert old.number == "" and old.closed_at is not None
    assert SmsConversation.objects.exclude(pk=old.pk).get().number == "+13145550999"
    gateway.clear()
    client, _ = staff_client(user=tf_user("southwest", "investigator"))
    ask(client, tip, "Are you still there?")
    assert gateway == []  # nothing to text to
    text("I have more to say about the trailer")  # the same number starts a new conversation
    assert SmsConversation.objects.filter(thread_key=old.thread_key, closed_at=None).count() == 1
    assert not tip.messages.filter(kind=TipMessage.Kind.REPORTER).exists()


def test_queued_reply_is_dropped_once_the_number_is_gone(mo: Any, gateway: Any) -> None:
    from beacon.tips.tasks import sms_send

    text("A man takes the passports of the workers at the farm.")
    conversation = SmsConversation.objects.get()
    gateway.clear()
    SmsConversation.objects.filter(pk=conversation.pk).update(number="")
    assert sms_send.call(conversation.pk, "hello") is False and gateway == []


def test_inbound_rate_limit_per_sender(mo: Any, settings: Any, gateway: Any) -> None:
    settings.BEACON_RATE_LIMITS = {**settings.BEACON_RATE_LIMITS, "sms_inbound": "3/3600"}
    assert [text("hi").status_code for _ in range(4)] == [200, 200, 200, 429]
    assert text("hi", number="+13145550777").status_code == 200  # another sender is not affected


def test_twilio_gateway_posts_to_the_messages_api(monkeypatch: Any) -> None:
    sent: dict[str, Any] = {}

    class Answer:
        def __enter__(self) -> Answer:
            return self

        def __exit__(self, *exc: Any) -> None:
            return None

        def read(self) -> bytes:
            return b'{"sid": "SM123"}'

    def fake_urlopen(request: Any, timeout: int) -> Answer:
        sent.update(url=request.full_url, data=request.data, auth=request.get_header("Authorization"))
        return Answer()

    monkeypatch.setattr(sms.urllib.request, "urlopen", fake_urlopen)
    sms.TwilioGateway(account_sid="AC1", token="tok", from_number="+15550000000",  # noqa: S106
                      api_base="https://api.twilio.com").send(NUMBER, "Receipt code: ABC")
    assert sent["url"] == "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages.json"
    assert b"To=%2B13145550123" in sent["data"] and b"Body=Receipt+code%3A+ABC" in sent["data"]
    assert sent["auth"].startswith("Basic ")
