"""Certificate PDFs (reportlab): the learner's name, the course, the date and the verification code."""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path

from django.conf import settings
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import landscape, letter
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from .models import Completion

FONTS = Path(__file__).parent / "fonts"  # Noto Sans (SIL OFL 1.1), vendored by scripts/vendor.sh
REGULAR, BOLD = "NotoSans", "NotoSans-Bold"


@cache
def _register_fonts() -> None:
    pdfmetrics.registerFont(TTFont(REGULAR, str(FONTS / "NotoSans-Regular.ttf")))
    pdfmetrics.registerFont(TTFont(BOLD, str(FONTS / "NotoSans-Bold.ttf")))


def verify_url(code: str, base_url: str | None = None) -> str:
    base = (base_url or settings.BEACON_BASE_URL).rstrip("/")
    return base + reverse("training_public:verify") + f"?code={code}"


def certificate_pdf(completion: Completion, base_url: str | None = None) -> bytes:
    """The certificate as a PDF; ``base_url`` (scheme and host) starts the verification link,
    ``BEACON_BASE_URL`` when not given.  Text is set in Noto Sans, embedded (full Latin, Spanish
    and Vietnamese coverage), so any name prints as typed."""
    _register_fonts()
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
    pdf.setFont(BOLD, 30)
    pdf.drawCentredString(width / 2, height - 120, _("Certificate of completion"))
    pdf.setFont(REGULAR, 16)
    pdf.drawCentredString(width / 2, height - 175, _("This certifies that"))
    pdf.setFont(BOLD, 28)
    pdf.drawCentredString(width / 2, height - 220, completion.learner_name)
    pdf.setFont(REGULAR, 16)
    pdf.drawCentredString(width / 2, height - 265, _("completed the Beacon course"))
    pdf.setFont(BOLD, 20)
    pdf.drawCentredString(width / 2, height - 300, completion.course.title)
    pdf.setFont(REGULAR, 14)
    day = formats.date_format(timezone.localtime(completion.completed_at).date(), "DATE_FORMAT")
    pdf.drawCentredString(width / 2, height - 340, _("on %(date)s with a quiz score of %(score)s%%")
                          % {"date": day, "score": completion.score})
    pdf.setFont(BOLD, 16)
    pdf.drawCentredString(width / 2, 120, _("Verification code: %(code)s") % {"code": completion.code})
    pdf.setFont(REGULAR, 10)
    pdf.drawCentredString(width / 2, 100, _("Check this certificate at %(url)s") % {"url": verify_url(completion.code, base_url)})
    pdf.drawCentredString(width / 2, 70, _("National Human Trafficking Hotline 1-888-373-7888 · text 233733 · in an emergency call 911"))
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
