"""The SMS gateway's webhook: public, authenticated by the gateway's signature instead of a session."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from beacon.core import audit

from . import sms

EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'


# CSRF protects a browser session from being ridden; this endpoint has no session and no cookie
# to ride: the gateway authenticates each request with X-Twilio-Signature (HMAC under
# BEACON_SMS_AUTH_TOKEN), checked before anything else.  The only CSRF exemption outside DRF
# (tests/security/test_csrf.py, WEBHOOKS; docs/security.md, "SMS webhook").
@csrf_exempt
@require_POST
def sms_inbound(request: HttpRequest) -> HttpResponse:
    if not sms.valid_signature(request):
        audit.record(actor=None, action=audit.Action.DENIED, object_type="sms_webhook",
                     summary="SMS webhook refused: missing or wrong signature")  # no request: no IP kept
        return HttpResponse("Invalid signature.", status=403, content_type="text/plain")
    number, body = request.POST.get("From", "").strip(), request.POST.get("Body", "")
    if not number:
        return HttpResponse("From is required.", status=400, content_type="text/plain")
    if not sms.inbound_allowed(number):
        return HttpResponse("Too many messages.", status=429, content_type="text/plain")
    sms.handle_inbound(number=number, body=body)
    return HttpResponse(EMPTY_TWIML, content_type="text/xml")  # replies go out by the gateway's REST API
