"""Course content shipped as data: one YAML file per course in ``content/`` (bilingual
title/summary, Markdown modules, one quiz).  ``load_courses`` is idempotent: it creates what is
missing and brings existing rows up to date, matching on natural keys (course slug, module
slug, question and choice position)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from django.db import transaction

from beacon.core import audit

from .models import Audience, Choice, Course, Module, Question

CONTENT_DIR = Path(__file__).resolve().parent / "content"


def _pair(data: dict[str, Any], key: str) -> dict[str, str]:
    value = data.get(key) or {}
    return {f"{key}_en": str(value.get("en", "")).strip(), f"{key}_es": str(value.get("es", "")).strip()}


def validate(data: dict[str, Any], source: str) -> None:
    if data.get("audience") not in Audience.values:
        raise ValueError(f"{source}: unknown audience {data.get('audience')!r}")
    for q in data.get("quiz", []):
        right = sum(bool(c.get("correct")) for c in q["choices"])
        if right < 1 or (q.get("kind", "single") == "single" and right != 1):
            raise ValueError(f"{source}: question {q['text']['en']!r} has {right} correct answers")
    for m in data.get("modules", []):
        if "Sources" not in m["body_en"] or "Fuentes" not in m.get("body_es", "Fuentes"):
            raise ValueError(f"{source}: module {m['slug']} does not name its sources")


def read_courses(directory: Path = CONTENT_DIR) -> list[dict[str, Any]]:
    courses = []
    for path in sorted(directory.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        validate(data, path.name)
        courses.append(data)
    return courses


@transaction.atomic
def load_courses(directory: Path = CONTENT_DIR) -> dict[str, int]:
    created = {"courses": 0, "modules": 0, "questions": 0, "choices": 0}
    for data in read_courses(directory):
        course, was = Course.objects.update_or_create(slug=data["slug"], defaults={
            "audience": data["audience"], "position": data.get("position", 0), "minutes": data.get("minutes", 30),
            "pass_mark": data.get("pass_mark", 80), "max_attempts": data.get("max_attempts", 3),
            **_pair(data, "title"), **_pair(data, "summary"),
        })
        created["courses"] += was
        if was:
            audit.record(actor=None, action=audit.Action.CREATE, object_type="training_course", object_id=course.pk,
                         summary=f"course {course.slug} loaded from content files")
        for pos, m in enumerate(data.get("modules", []), start=1):
            _, was = Module.objects.update_or_create(course=course, slug=m["slug"], defaults={
                "position": pos, **_pair(m, "title"), "body_en": m["body_en"].strip(), "body_es": m.get("body_es", "").strip(),
            })
            created["modules"] += was
        for qpos, q in enumerate(data.get("quiz", []), start=1):
            question, was = Question.objects.update_or_create(course=course, position=qpos, defaults={
                "kind": q.get("kind", "single"), **_pair(q, "text"), **_pair(q, "explanation"),
            })
            created["questions"] += was
            for cpos, c in enumerate(q["choices"], start=1):
                _, was = Choice.objects.update_or_create(question=question, position=cpos, defaults={
                    "text_en": str(c["en"]), "text_es": str(c.get("es", "")), "correct": bool(c.get("correct")),
                })
                created["choices"] += was
    return created
