from __future__ import annotations

import io
import re
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from beacon.core.models import AuditEvent
from beacon.training import services
from beacon.training.content import load_courses
from beacon.training.models import Audience, Completion, Course, Module, Question
from beacon.training.selectors import render_markdown


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def right_answers(course: Course) -> dict[str, list[str]]:
    return {f"q{q.pk}": [str(c.pk) for c in q.choices.all() if c.correct] for q in course.questions.all()}


def wrong_answers(course: Course) -> dict[str, list[str]]:
    return {f"q{q.pk}": [str(c.pk) for c in q.choices.all() if not c.correct][:1] for q in course.questions.all()}


def test_starter_content_covers_every_audience_in_both_languages(courses: list[Course]) -> None:
    audiences = {c.audience for c in courses}
    assert audiences >= {a for a in Audience.values if a != "faith"}
    for course in courses:
        assert course.title_es and course.summary_es
        modules = list(course.modules.all())
        assert 2 <= len(modules) <= 3
        for m in modules:
            assert m.body_es and m.title_es
            assert "**Sources:**" in m.body_en and "**Fuentes:**" in m.body_es
        assert "1-888-373-7888" in "".join(m.body_en for m in modules)
        assert "1-888-373-7888" in "".join(m.body_es for m in modules)
        assert course.questions.count() >= 3
        for q in course.questions.all():
            assert q.explanation_en and q.explanation_es
            right = q.choices.filter(correct=True).count()
            assert right == 1 if q.kind == "single" else right >= 1
    assert Question.objects.filter(kind="multiple").exists()
    assert any("/report/" in m.body_en for m in Module.objects.all())


def test_content_loading_is_idempotent(courses: list[Course]) -> None:
    counts = (Course.objects.count(), Module.objects.count(), Question.objects.count())
    again = load_courses()
    assert again == {"courses": 0, "modules": 0, "questions": 0, "choices": 0}
    assert (Course.objects.count(), Module.objects.count(), Question.objects.count()) == counts


def test_markdown_is_rendered_and_sanitised() -> None:
    html = render_markdown("## Title\n\n**bold** [x](javascript:alert(1)) <script>alert(1)</script>"
                           "<img src=x onerror=alert(1)> [hotline](tel:18883737888)")
    assert "<h2>Title</h2>" in html and "<strong>bold</strong>" in html
    assert "<script" not in html and "onerror" not in html and "javascript:" not in html and "<img" not in html
    assert 'href="tel:18883737888"' in html


def test_module_page_in_spanish(client: Client, courses: list[Course]) -> None:
    course = Course.objects.get(slug="recognize-and-respond")
    response = client.get(f"/es/training/courses/{course.slug}/modules/1/")
    assert response.status_code == 200
    assert "Qué es (y qué no es)" in response.content.decode()
    english = client.get(f"/training/courses/{course.slug}/modules/1/").content.decode()
    assert "What human trafficking is" in english and "<h2>Common myths</h2>" in english


@pytest.mark.django_db
def test_score_quiz_all_or_nothing_per_question(courses: list[Course]) -> None:
    course = Course.objects.get(slug="recognize-and-respond")
    questions = list(course.questions.prefetch_related("choices"))
    right = {q.pk: [c.pk for c in q.choices.all() if c.correct] for q in questions}
    assert services.score_quiz(course=course, answers=right).score == 100
    multiple = next(q for q in questions if q.kind == "multiple")
    partial = dict(right)
    partial[multiple.pk] = right[multiple.pk][:1]  # only one of the right answers: not right
    result = services.score_quiz(course=course, answers=partial)
    assert result.score == 75 and result.passed  # pass mark 75
    single = next(q for q in questions if q.kind == "single")
    both = dict(partial)
    both[single.pk] = [c.pk for c in single.choices.all()]  # every option ticked on a one-answer question
    assert services.score_quiz(course=course, answers=both).score == 50
    assert not services.score_quiz(course=course, answers={}).passed


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_score_is_a_percentage_and_right_answers_always_pass(courses_once: Course, data: Any) -> None:
    course = courses_once
    questions = list(course.questions.prefetch_related("choices"))
    all_ids = [c.pk for q in questions for c in q.choices.all()] + [999999]
    answers = {q.pk: data.draw(st.lists(st.sampled_from(all_ids), max_size=5)) for q in questions}
    result = services.score_quiz(course=course, answers=answers, questions=questions)
    assert 0 <= result.score <= 100
    assert result.passed == (result.score >= course.pass_mark)
    for r in result.questions:
        assert r.chosen <= {c.pk for q in questions if q.pk == r.question_id for c in q.choices.all()}
    right = {q.pk: [c.pk for c in q.choices.all() if c.correct] for q in questions}
    assert services.score_quiz(course=course, answers=right, questions=questions).passed


@pytest.fixture
def courses_once(courses: list[Course]) -> Course:
    return Course.objects.get(slug="law-enforcement")


def test_quiz_is_scored_certificate_issued_and_verified(client: Client, courses: list[Course],
                                                        django_capture_on_commit_callbacks: Any) -> None:
    course = Course.objects.get(slug="health-care")
    url = reverse("training_public:quiz", args=[course.slug])
    assert client.get(url).status_code == 200
    failed = client.post(url, wrong_answers(course))
    assert failed.status_code == 200 and b"Not passed yet" in failed.content
    assert course.questions.first().explanation_en.encode() in failed.content  # type: ignore[union-attr]
    passed = client.post(url, right_answers(course))
    assert b"You passed" in passed.content and b"Score: 100%" in passed.content
    with django_capture_on_commit_callbacks(execute=True):
        issued = client.post(reverse("training_public:certificate_request", args=[course.slug]),
                             {"learner_name": "Maria Lopez", "learner_email": "maria@example.org"})
    completion = Completion.objects.get()
    assert issued.status_code == 302 and issued.url == reverse("training_public:certificate", args=[completion.code])
    assert completion.user is None and completion.county is None and completion.score == 100
    assert completion.learner_name == "Maria Lopez" and completion.first_initial == "M"
    # Encrypted at rest.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT learner_name FROM training_completion WHERE id = %s", [completion.pk])
        assert "Maria Lopez" not in cursor.fetchone()[0]
    # E-mailed with the PDF attached; the same session can download it.
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["maria@example.org"]
    name, pdf, mime = mail.outbox[0].attachments[0]
    assert mime == "application/pdf" and pdf.startswith(b"%PDF") and completion.code in pdf_text(pdf)
    download = client.get(reverse("training_public:certificate_pdf", args=[completion.code]))
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert "Maria Lopez" in pdf_text(download.content)
    # Another browser cannot download it, but can verify the code and learns nothing more.
    other = Client()
    assert other.get(reverse("training_public:certificate_pdf", args=[completion.code])).status_code == 404
    check = other.get(reverse("training_public:verify"), {"code": completion.code.lower().replace("-", " ")})
    text = check.content.decode()
    assert "Valid certificate" in text and course.title_en in text and "“M”" in text
    assert "Maria" not in text and "Lopez" not in text and "maria@example.org" not in text
    bad = other.get(reverse("training_public:verify"), {"code": "AAAA-BBBB-CCCC"})
    assert "No certificate has this code." in bad.content.decode()
    api = other.get(reverse("training-certificate-verify", args=[completion.code])).json()
    assert api == {"valid": True, "course": course.title_en, "completed_on": api["completed_on"], "first_initial": "M"}
    assert AuditEvent.objects.filter(object_type="training_completion", action="create", ip__isnull=True).count() == 1


def test_certificate_needs_a_passed_quiz(client: Client, courses: list[Course]) -> None:
    course = Course.objects.get(slug="schools")
    response = client.post(reverse("training_public:certificate_request", args=[course.slug]), {"learner_name": "X"})
    assert response.status_code == 302 and not Completion.objects.exists()


def test_retries_are_limited(client: Client, courses: list[Course]) -> None:
    course = Course.objects.get(slug="hospitality")
    url = reverse("training_public:quiz", args=[course.slug])
    for _ in range(course.max_attempts):
        assert b"Not passed yet" in client.post(url, wrong_answers(course)).content
    refused = client.post(url, right_answers(course))
    assert refused.status_code == 302
    assert b"used every attempt" in client.get(url).content


def test_staff_pass_counts_for_their_agency(staff_client: Any, agency_factory: Any, courses: list[Course]) -> None:
    client, user = staff_client("investigator", agency=agency_factory(county="29095"))
    course = Course.objects.get(slug="law-enforcement")
    response = client.post(reverse("training_public:quiz", args=[course.slug]), right_answers(course))
    assert b"counts for your agency" in response.content
    completion = Completion.objects.get()
    assert completion.user == user and completion.agency == user.agency and completion.county_id == "29095"
    index = client.get(reverse("training:index")).content.decode()
    assert completion.code in index and "1 course completion" in index


def test_catalog_in_spanish_uses_spanish_content_and_interface(client: Client, courses: list[Course]) -> None:
    page = client.get("/es/training/").content.decode()
    assert "Aprenda a reconocer la trata de personas" in page
    assert "Trata de personas: reconozca las señales y actúe" in page
    english = client.get("/training/").content.decode()
    assert "Human trafficking: recognize the signs and respond" in english and "Aprenda" not in english


def test_certificate_form_errors_and_one_completion_per_staff_member(client: Client, staff_client: Any,
                                                                    courses: list[Course]) -> None:
    course = Course.objects.get(slug="trucking-transportation")
    client.post(reverse("training_public:quiz", args=[course.slug]), right_answers(course))
    bad = client.post(reverse("training_public:certificate_request", args=[course.slug]), {"learner_name": " "})
    assert bad.status_code == 400 and not Completion.objects.exists()
    staff, user = staff_client("investigator")
    staff.post(reverse("training_public:quiz", args=[course.slug]), right_answers(course))
    other_session, _ = staff_client(user=user)
    other_session.post(reverse("training_public:quiz", args=[course.slug]), right_answers(course))
    assert Completion.objects.filter(user=user).count() == 1


def test_unanswered_question_is_asked_for_not_graded(client: Client, courses: list[Course]) -> None:
    course = Course.objects.get(slug="health-care")
    course.max_attempts = 2
    course.save()
    url = reverse("training_public:quiz", args=[course.slug])
    answers = right_answers(course)
    questions = list(course.questions.all())
    skipped = questions[1]
    given = answers[f"q{questions[0].pk}"]
    del answers[f"q{skipped.pk}"]
    response = client.post(url, answers)
    html = response.content.decode()
    assert response.status_code == 400
    assert "Some questions have no answer yet" in html and "Answer question 2," in html
    assert f'id="missing-{skipped.pk}"' in html and "Not passed yet" not in html
    # The answers given stay checked, and no attempt was used.
    assert all(re.search(rf'value="{c}" checked', html) for c in given)
    assert "2 attempts left" in html
    assert client.session.get("training_progress", {}).get(course.slug, {}).get("attempts", 0) == 0
    assert b"You passed" in client.post(url, right_answers(course)).content


def test_result_shows_the_answer_chosen(client: Client, courses: list[Course]) -> None:
    course = Course.objects.get(slug="health-care")
    answers = wrong_answers(course)
    html = client.post(reverse("training_public:quiz", args=[course.slug]), answers).content.decode()
    chosen = re.findall(r"<li data-chosen>([^<]*) <strong>\(your answer\)</strong>", html)
    texts = {str(c.pk): c.text for q in course.questions.all() for c in q.choices.all()}
    assert chosen == [texts[v[0]] for v in answers.values() if v]


def test_course_page_after_passing_offers_the_certificate(client: Client, courses: list[Course]) -> None:
    course = Course.objects.get(slug="health-care")
    course_url = reverse("training_public:course", args=[course.slug])
    assert "Take the quiz" in client.get(course_url).content.decode()
    client.post(reverse("training_public:quiz", args=[course.slug]), right_answers(course))
    html = client.get(course_url).content.decode()
    assert "Take the quiz" not in html
    assert reverse("training_public:certificate_request", args=[course.slug]) in html and 'name="learner_name"' in html
    client.post(reverse("training_public:certificate_request", args=[course.slug]),
                {"learner_name": "Maria Lopez", "learner_email": "maria@example.org"})
    code = Completion.objects.get().code
    html = client.get(course_url).content.decode()
    assert reverse("training_public:certificate", args=[code]) in html and 'name="learner_name"' not in html


def test_certificate_prints_any_latin_name_with_an_embedded_font(client: Client, courses: list[Course]) -> None:
    from beacon.training.certificates import certificate_pdf

    course = Course.objects.get(slug="health-care")
    for name in ("Nguyễn Thị Hương", "José Peña Ibáñez", "Zoë Łukasiewicz-Ørsted"):
        completion = services.completion_create(course=course, score=100, learner_name=name)
        pdf = certificate_pdf(completion)
        assert name in pdf_text(pdf)
        assert b"/FontFile2" in pdf  # the TrueType font is embedded, not a base-14 font the viewer substitutes
