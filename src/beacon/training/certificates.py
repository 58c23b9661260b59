"""Certificate PDFs (reportlab): the learner's name, the course, the date and the verification code."""

from __future__ import annotations

import io

from django.conf import settings
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import landscape, letter
from reportlab.pdfgen import canvas

from .models import Completion


def verify_url(code: str) -> str:
    return settings.BEACON_BASE_URL.rstrip("/") + reverse("training_public:verify") + f"?code={code}"


def certificate_pdf(completion: Completion) -> bytes:
    buffer = io.BytesIO()
    width, height = landscape(letter)
    pdf = canvas.Canvas(buffer, pagesize=(width, height), pageCompression=0)
    pdf.setTitle(f"Beacon certificate {completion.code}")
    pdf.setAuthor("Beacon")
    navy = HexColor("#162e51")
    pdf.setStrokeColor(navy)
    pdf.setLineWidth(4)
    pdf.rect(30, 30, width - 60, height - 60)
    pdf.setFillColor(navy)
    pdf.setFont("Helvetica-Bold", 30)
    pdf.drawCentredString(width / 2, height - 120, _("Certificate of completion"))
    pdf.setFont("Helvetica", 16)
    pdf.drawCentredString(width / 2, height - 175, _("This certifies that"))
    pdf.setFont("Helvetica-Bold", 28)
    pdf.drawCentredString(width / 2, height - 220, completion.learner_name)
    pdf.setFont("Helvetica", 16)
    pdf.drawCentredString(width / 2, height - 265, _("completed the Beacon course"))
    pdf.setFont("Helvetica-Bold", 20)
    pdf.drawCentredString(width / 2, height - 300, completion.course.title)
    pdf.setFont("Helvetica", 14)
    day = formats.date_format(timezone.localtime(completion.completed_at).date(), "DATE_FORMAT")
    pdf.drawCentredString(width / 2, height - 340, _("on %(date)s with a quiz score of %(score)s%%")
                          % {"date": day, "score": completion.score})
    pdf.setFont("Courier-Bold", 16)
    pdf.drawCentredString(width / 2, 120, _("Verification code: %(code)s") % {"code": completion.code})
    pdf.setFont("Helvetica", 10)
    pdf.drawCentredString(width / 2, 100, _("Check this certificate at %(url)s") % {"url": verify_url(completion.code)})
    pdf.drawCentredString(width / 2, 70, _("National Human Trafficking Hotline 1-888-373-7888 · text 233733 · in an emergency call 911"))
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
