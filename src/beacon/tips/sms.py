"""Text a tip: the SMS gateway (inbound signature, outbound sending) and the guided conversation.

Inbound messages arrive at ``POST /sms/inbound/`` in the form Twilio (and gateways copying it)
posts: ``From``, ``Body`` and the ``X-Twilio-Signature`` header, an HMAC-SHA1 under the auth token
(``BEACON_SMS_AUTH_TOKEN``) of the public URL (``BEACON_BASE_URL`` + path) followed by every POST
parameter, sorted by name, as name + value; base64.  That signature is the webhook's only
authentication, so the view is exempt from CSRF (see docs/security.md, "SMS webhook").

The conversation (English, or Spanish when the first message is "ES"/"ESPAÑOL" or reads as
Spanish): what happened, where (a town, county or ZIP resolved with ``geo.resolve_place``),
anyone in immediate danger (yes/no/don't know), anyone under 18 (yes/no/don't know).  The tip is
then created through ``services.tip_submit``, like the web form and the API, and the receipt code
is texted back.  The passphrase is not texted: texts sit on lock screens and in phone backups,
and the reporter's follow-up channel is the conversation itself (staff questions are relayed to
the number, the reporter's replies are added to the tip).  STOP ends the conversation and wipes
the number at once; HELP answers with the hotline numbers.

The sender's number is never stored in clear: ``thread_key`` is ``blind_index(number,
purpose="sms")`` and the encrypted number is kept only while the conversation is open; ``beacon
sms purge`` closes conversations idle for ``BEACON_SMS_RETENTION_DAYS`` and wipes their numbers.
Replies are sent by a django-tasks task after commit; the task receives the conversation id, not
the number.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import re
import unicodedata
import urllib.parse
import urllib.request
from dataclasses import dataclass
from datetime import timedelta
from typing import Protocol

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from beacon.core import audit, geo, ratelimit
from beacon.core.crypto import blind_index, blind_indexes

from .models import SmsConversation, Tip

logger = logging.getLogger(__name__)
Step = SmsConversation.Step
SMS_MAX = 1600  # Twilio's limit for one message body


# --- Signature --------------------------------------------------------------------------------
def signature(url: str, params: dict[str, str], token: str) -> str:
    """Twilio's request signature: base64(HMAC-SHA1(token, url + name1 + value1 + ...)), names sorted."""
    payload = url + "".join(f"{k}{params[k]}" for k in sorted(params))
    return base64.b64encode(hmac.new(token.encode(), payload.encode(), hashlib.sha1).digest()).decode()


def public_url(request: HttpRequest) -> str:
    """The URL the gateway posted to: behind a proxy, the public one (``BEACON_BASE_URL``)."""
    query = request.META.get("QUERY_STRING", "")
    return settings.BEACON_BASE_URL.rstrip("/") + request.path + (f"?{query}" if query else "")


def valid_signature(request: HttpRequest) -> bool:
    token = settings.BEACON_SMS_AUTH_TOKEN
    given = request.headers.get("X-Twilio-Signature", "")
    if not token or not given:
        return False
    params = {k: request.POST.get(k, "") for k in request.POST}
    return hmac.compare_digest(signature(public_url(request), params, token), given)


# --- Outbound gateway -------------------------------------------------------------------------
class Gateway(Protocol):
    def send(self, to: str, body: str) -> None: ...


class ConsoleGateway:
    """Development and tests: the message goes to the log and to ``OUTBOX`` (never to a phone)."""

    OUTBOX: list[tuple[str, str]] = []  # noqa: RUF012 - a shared outbox is the point

    def send(self, to: str, body: str) -> None:
        self.OUTBOX.append((to, body))
        logger.info("SMS (console gateway) to ...%s: %s", to[-2:], body)


class TwilioGateway:
    """Twilio's REST API (``POST /2010-04-01/Accounts/{sid}/Messages.json``, HTTP basic auth)."""

    def __init__(self, *, account_sid: str, token: str, from_number: str, api_base: str) -> None:
        self.account_sid, self.token, self.from_number, self.api_base = account_sid, token, from_number, api_base

    def send(self, to: str, body: str) -> None:
        url = f"{self.api_base.rstrip('/')}/2010-04-01/Accounts/{urllib.parse.quote(self.account_sid)}/Messages.json"
        data = urllib.parse.urlencode({"To": to, "From": self.from_number, "Body": body[:SMS_MAX]}).encode()
        auth = base64.b64encode(f"{self.account_sid}:{self.token}".encode()).decode()
        request = urllib.request.Request(url, data=data, method="POST",  # noqa: S310 - https or the configured fake
                                         headers={"Authorization": f"Basic {auth}"})
        with urllib.request.urlopen(request, timeout=15) as response:  # noqa: S310
            answer = json.loads(response.read() or b"{}")
        logger.info("SMS sent through Twilio: %s", answer.get("sid", "?"))


def gateway() -> Gateway:
    if settings.BEACON_SMS_PROVIDER == "twilio":
        return TwilioGateway(account_sid=settings.BEACON_SMS_ACCOUNT_SID, token=settings.BEACON_SMS_AUTH_TOKEN,
                             from_number=settings.BEACON_SMS_FROM, api_base=settings.BEACON_SMS_API_BASE)
    return ConsoleGateway()


def queue_text(conversation: SmsConversation, body: str) -> None:
    """Send ``body`` to the conversation's number by a task, after the transaction commits."""
    from .tasks import sms_send

    pk = conversation.pk
    transaction.on_commit(lambda: sms_send.enqueue(pk, body))


# --- Texts ------------------------------------------------------------------------------------
TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "welcome": "Beacon, Missouri's trafficking tip line. You do not have to give your name. Reply STOP to end, "
                   "HELP for help. Para español responda ES.",
        "what": "What happened? Describe what you saw or heard, in your own words.",
        "what_short": "Please tell us a little more about what happened (at least 10 characters).",
        "where": "Where did it happen? A town, county or ZIP code in Missouri (or reply SKIP).",
        "where_unknown": "We could not match that to a Missouri county, but we kept what you wrote.",
        "danger": "Is anyone in immediate danger? Reply YES, NO or DON'T KNOW. If someone is in danger now, call 911.",
        "minor": "Does it involve someone under 18? Reply YES, NO or DON'T KNOW.",
        "again": "Please reply YES, NO or DON'T KNOW.",
        "done": "Thank you. Your report was received. Receipt code: {code}. Staff may text you questions at this "
                "number; reply to answer or to add information. Reply STOP to end and delete your number.",
        "added": "Thank you, we added this to report {code}.",
        "not_added": "We could not add this to your report: {reason}",
        "help": "Beacon tip line: text what you saw to report human trafficking in Missouri. In danger now? Call 911. "
                "National Human Trafficking Hotline: 1-888-373-7888. Reply STOP to end.",
        "stop": "You will get no more texts from the Beacon tip line and your number was deleted. Any report you sent "
                "is kept.",
        "question": "Question about your report {code}: {body} (Reply to answer.)",
        "failed": "Sorry, we could not save your report. Please try again, or call 1-888-373-7888.",
    },
    "es": {
        "welcome": "Beacon, la línea de denuncias de trata de Missouri. No tiene que dar su nombre. Responda STOP para "
                   "terminar, AYUDA para ayuda.",
        "what": "¿Qué pasó? Describa lo que vio u oyó, con sus propias palabras.",
        "what_short": "Cuéntenos un poco más de lo que pasó (al menos 10 caracteres).",
        "where": "¿Dónde pasó? Una ciudad, condado o código postal de Missouri (o responda SALTAR).",
        "where_unknown": "No encontramos ese lugar en un condado de Missouri, pero guardamos lo que escribió.",
        "danger": "¿Hay alguien en peligro inmediato? Responda SI, NO o NO SE. Si alguien está en peligro ahora, "
                  "llame al 911.",
        "minor": "¿Hay alguien menor de 18 años? Responda SI, NO o NO SE.",
        "again": "Responda SI, NO o NO SE, por favor.",
        "done": "Gracias. Recibimos su reporte. Código de recibo: {code}. El personal puede enviarle preguntas a este "
                "número; responda para contestar o agregar información. Responda STOP para terminar y borrar su número.",
        "added": "Gracias, lo agregamos al reporte {code}.",
        "not_added": "No pudimos agregar esto a su reporte: {reason}",
        "help": "Línea de denuncias Beacon: envíe lo que vio para reportar trata de personas en Missouri. ¿Peligro "
                "ahora? Llame al 911. Línea nacional: 1-888-373-7888. Responda STOP para terminar.",
        "stop": "No recibirá más mensajes de Beacon y borramos su número. Su reporte se conserva.",
        "question": "Pregunta sobre su reporte {code}: {body} (Responda para contestar.)",
        "failed": "No pudimos guardar su reporte. Intente de nuevo o llame al 1-888-373-7888.",
    },
}


def _fold(text: str) -> str:
    """Lower case, no accents, no punctuation at the ends: "¡Sí!" -> "si", "DON'T KNOW" -> "dont know"."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return re.sub(r"\s+", " ", re.sub(r"[^\w\s]", "", plain.lower())).strip()


STOP_WORDS = {"stop", "stopall", "unsubscribe", "cancel", "end", "quit", "alto", "parar"}
HELP_WORDS = {"help", "info", "ayuda"}
SPANISH_WORDS = {"es", "espanol", "spanish"}
SKIP_WORDS = {"skip", "saltar", "no se", "dont know", "unknown"}
_YES = {"yes", "y", "yeah", "yep", "si", "s", "sí"}
_NO = {"no", "n", "nope"}
_ANSWER: dict[str, bool | None] = {"yes": True, "no": False}  # "unknown": None, never No
_UNKNOWN = {"dont know", "do not know", "dk", "unsure", "not sure", "idk", "no se", "ns", "no lo se", "maybe", "nose"}
_SPANISH_HINTS = {"hola", "ayuda", "vi", "hay", "una", "mujer", "nina", "nino", "trabajo", "casa", "donde", "que",
                  "estan", "esta", "muchachas", "menores", "senor"}


def answer(text: str) -> str | None:
    """"yes", "no", "unknown", or None when the reply is not one of them (either language)."""
    folded = _fold(text)
    if folded in _UNKNOWN:
        return "unknown"
    if folded in _YES:
        return "yes"
    if folded in _NO:
        return "no"
    return None


def looks_spanish(text: str) -> bool:
    words = set(_fold(text).split())
    return len(words & _SPANISH_HINTS) >= 2 or _fold(text) in {"hola", "ayuda"}


# --- The conversation -------------------------------------------------------------------------
@dataclass(frozen=True)
class Inbound:
    conversation: SmsConversation
    replies: list[str]


class _Sender:
    """Rate limiting per threading key with the shared limiter (its client is the key, not an address)."""

    def __init__(self, key: str) -> None:
        self.META = {"REMOTE_ADDR": f"sms:{key}"}


def inbound_allowed(number: str) -> bool:
    return ratelimit.hit(_Sender(blind_index(number, purpose="sms")), "sms_inbound")  # type: ignore[arg-type]


def thread_reindex(conversation: SmsConversation) -> str:
    """The thread key under the newest index key (``beacon keys rotate-index``).  A closed
    conversation has no number left and is never looked up again: its key stays as it is."""
    return blind_index(conversation.number, purpose="sms") if conversation.number else conversation.thread_key


def open_conversation(number: str) -> SmsConversation | None:
    return (SmsConversation.objects.select_related("tip")
            .filter(thread_key__in=blind_indexes(number, purpose="sms"), closed_at__isnull=True).first())


def _close(conversation: SmsConversation, reason: str) -> None:
    conversation.number = ""
    conversation.answers = {}
    conversation.step = Step.CLOSED
    conversation.closed_at = timezone.now()
    conversation.save(update_fields=["number", "answers", "step", "closed_at"])
    audit.record(actor=None, action=audit.Action.UPDATE, object_type="sms_conversation", object_id=conversation.pk,
                 summary=f"SMS conversation closed ({reason}); number wiped",
                 detail={"reason": reason, "tip": conversation.tip_id})


@transaction.atomic
def handle_inbound(*, number: str, body: str) -> Inbound:
    """Advance the sender's conversation by one message; the replies are texted after commit."""
    from . import services

    text = (body or "").strip()[:SMS_MAX]
    folded = _fold(text)
    now = timezone.now()
    conversation = open_conversation(number)
    replies: list[str] = []
    if conversation is None:
        if folded in STOP_WORDS:  # nothing to stop, nothing stored; the gateway also honours STOP itself
            return Inbound(SmsConversation(thread_key="", last_message_at=now, step=Step.CLOSED), [])
        conversation = SmsConversation.objects.create(
            thread_key=blind_index(number, purpose="sms"), number=number, last_message_at=now,
            language="es" if folded in SPANISH_WORDS or looks_spanish(text) else "en")
        audit.record(actor=None, action=audit.Action.CREATE, object_type="sms_conversation",
                     object_id=conversation.pk, summary="SMS conversation opened", detail={"language": conversation.language})
        t = TEXTS[conversation.language]
        if folded in HELP_WORDS:
            replies += [t["help"], t["what"]]
        elif folded in SPANISH_WORDS or len(text) < services.NARRATIVE_MIN:
            replies += [t["welcome"], t["what"]]
        else:  # the first message already tells what happened
            conversation.answers = {"what": text}
            conversation.step = Step.WHERE
            replies += [t["welcome"], t["where"]]
        conversation.save()
        return _send(conversation, replies)

    conversation.last_message_at = now
    t = TEXTS[conversation.language]
    if folded in STOP_WORDS:
        _stop_with_reply(conversation, t["stop"])
        return Inbound(conversation, [t["stop"]])
    if folded in HELP_WORDS:
        conversation.save(update_fields=["last_message_at"])
        return _send(conversation, [t["help"]])
    if folded in SPANISH_WORDS and conversation.step == Step.WHAT:
        conversation.language = "es"
        conversation.save(update_fields=["language", "last_message_at"])
        return _send(conversation, [TEXTS["es"]["welcome"], TEXTS["es"]["what"]])

    step = conversation.step
    answers = dict(conversation.answers)
    if step == Step.WHAT:
        if len(text) < services.NARRATIVE_MIN:
            replies.append(t["what_short"])
        else:
            answers["what"] = (answers.get("what", "") + "\n" + text).strip()
            step = Step.WHERE
            replies.append(t["where"])
    elif step == Step.WHERE:
        if folded not in SKIP_WORDS:
            answers["where"] = text[:300]
            county = geo.resolve_place(text)
            answers["county"] = county.fips if county else ""
            if county is None:
                replies.append(t["where_unknown"])
        step = Step.DANGER
        replies.append(t["danger"])
    elif step in {Step.DANGER, Step.MINOR}:
        value = answer(text)
        if value is None:
            replies += [t["again"], t[step]]
        else:
            answers[step] = value
            if step == Step.DANGER:
                step = Step.MINOR
                replies.append(t["minor"])
            else:
                conversation.answers = answers
                return _submit(conversation)
    elif step == Step.OPEN and conversation.tip is not None:
        from django.core.exceptions import ValidationError

        try:
            services.tip_add_reporter_info(tip=conversation.tip, body=text)
        except ValidationError as exc:
            replies.append(t["not_added"].format(reason=" ".join(exc.messages)))
        else:
            replies.append(t["added"].format(code=conversation.tip.receipt_code))
    conversation.step, conversation.answers = step, answers
    conversation.save()
    return _send(conversation, replies)


def _send(conversation: SmsConversation, replies: list[str]) -> Inbound:
    for reply in replies:
        queue_text(conversation, reply)
    return Inbound(conversation, replies)


def _stop_with_reply(conversation: SmsConversation, reply: str) -> None:
    """STOP: the confirmation goes out now (the number is wiped in the same transaction)."""
    number = conversation.number
    _close(conversation, "stop")
    transaction.on_commit(lambda: _send_now(number, reply))


def _send_now(number: str, body: str) -> None:
    try:
        gateway().send(number, body)
    except OSError:
        logger.warning("SMS gateway refused the STOP confirmation")


def _submit(conversation: SmsConversation) -> Inbound:
    from . import services

    a = conversation.answers
    t = TEXTS[conversation.language]
    labels = {"yes": "yes", "no": "no", "unknown": "don't know"}
    narrative = (f"{a['what']}\n\n(Sent by text message. Anyone in immediate danger: {labels[a['danger']]}. "
                 f"Anyone under 18: {labels[a['minor']]}.)")
    data = services.TipInput(
        narrative=narrative[: services.NARRATIVE_MAX], place_text=a.get("where", ""), county_fips=a.get("county", ""),
        danger=_ANSWER.get(a["danger"]), minor=_ANSWER.get(a["minor"]), language=conversation.language,
    )
    submitted = services.tip_submit(data=data)
    conversation.tip = submitted.tip
    conversation.step = Step.OPEN
    conversation.answers = {}
    conversation.save()
    audit.record(actor=None, action=audit.Action.UPDATE, object_type="sms_conversation", object_id=conversation.pk,
                 summary=f"SMS conversation sent tip #{submitted.tip.pk}", detail={"tip": submitted.tip.pk})
    return _send(conversation, [t["done"].format(code=submitted.receipt_code)])


def relay_question(tip: Tip, body: str) -> bool:
    """Text a staff question to the reporter when the tip came by SMS and the number is still kept."""
    conversation = tip.sms_conversations.filter(closed_at__isnull=True, step=Step.OPEN).exclude(number="").first()
    if conversation is None:
        return False
    t = TEXTS[conversation.language]
    queue_text(conversation, t["question"].format(code=tip.receipt_code, body=body)[:SMS_MAX])
    return True


def purge(*, days: int | None = None) -> int:
    """Close the conversations idle for ``days`` (default ``BEACON_SMS_RETENTION_DAYS``) and wipe their numbers."""
    days = settings.BEACON_SMS_RETENTION_DAYS if days is None else days
    cutoff = timezone.now() - timedelta(days=days)
    closed = 0
    for conversation in SmsConversation.objects.filter(closed_at__isnull=True, last_message_at__lt=cutoff):
        with transaction.atomic():
            _close(conversation, f"idle {days} days")
        closed += 1
    return closed
