"""Fixtures of the monitoring tests: the demo feed written as a JSONL file, stored feeds."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from beacon.monitoring import services
from beacon.monitoring.demo import feed
from beacon.monitoring.models import IngestRun


def write_jsonl(path: Path, records: list[Any], extra_lines: list[str] | None = None) -> Path:
    lines = [json.dumps(r) for r in records]
    lines[3:3] = extra_lines or []
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def demo_file(tmp_path: Path) -> Path:
    return write_jsonl(tmp_path / "feed.jsonl", feed())


@pytest.fixture
def ingested(db: Any, demo_file: Path) -> IngestRun:
    return services.ingest_file(demo_file, acting_user=None, chunk_size=7)
