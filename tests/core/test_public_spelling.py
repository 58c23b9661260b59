"""Public pages speak American English (a US service): no British spellings in what visitors read."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

BRITISH = re.compile(r"counsell|colour|licence|organis(e|a)|recognis|behaviour|favour|centre\b", re.IGNORECASE)


def _visible_text(html: str) -> str:
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    html = re.sub(r'\s(name|id|for|href|value|class|data-[\w-]+)="[^"]*"', " ", html)  # field names are not read
    return html


@pytest.mark.parametrize("path", ["/", "/services/", "/training/", "/awareness/", "/dashboard/"])
def test_public_pages_use_american_spelling(path: str, mo: Any) -> None:
    from beacon.training.content import load_courses

    load_courses()
    response = Client().get(path)
    assert response.status_code == 200
    found = BRITISH.findall(_visible_text(response.content.decode()))
    assert not found, f"{path}: {found}"


def test_course_text_and_service_terms_use_american_spelling(mo: Any) -> None:
    from beacon.survivors import taxonomy
    from beacon.training.content import load_courses
    from beacon.training.models import Course

    load_courses()
    client = Client()
    for course in Course.objects.all():
        pages = [f"/training/courses/{course.slug}/", f"/training/courses/{course.slug}/quiz/"]
        pages += [f"/training/courses/{course.slug}/modules/{m.position}/" for m in course.modules.all()]
        for page in pages:
            response = client.get(page)
            assert response.status_code == 200, page
            assert not BRITISH.findall(_visible_text(response.content.decode())), page
    labels = " ".join(str(v) for v in vars(taxonomy).values() if isinstance(v, dict) for v in v.values())
    assert "Counseling" in labels and not BRITISH.findall(labels)
