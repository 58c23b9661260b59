"""Public dashboard and Awareness Day page: no login, en/es, and never a count from 1 to 10."""

from __future__ import annotations

import datetime as dt
import html as html_lib
import re
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from beacon.core.models import AuditEvent
from beacon.outreach import dashboard, services
from beacon.outreach.suppression import Mark, exposed_entries

pytestmark = pytest.mark.usefixtures("mo", "fake_sources")

LAST_YEAR = timezone.localdate().year - 1
ALLOWED_LABELS = {"1-10", "withheld", "retenido"}


def _cells(html: str) -> list[str]:
    return [html_lib.unescape(re.sub(r"<[^>]+>", "", c)).strip()
            for c in re.findall(r'<td class="outreach-cell[^"]*">(.*?)</td>', html, flags=re.S)]


def _assert_safe_text(value: str) -> None:
    if value in ALLOWED_LABELS:
        return
    number = int(value.replace(",", ""))
    assert number == 0 or number >= 11, value


@pytest.mark.parametrize("prefix", ["", "/es"])
def test_dashboard_is_public_and_shows_no_small_count(prefix: str) -> None:
    response = Client().get(f"{prefix}/dashboard/")
    assert response.status_code == 200
    html = response.content.decode()
    cells = _cells(html)
    # 4 measures x (regions + statewide) x 13 columns
    n_rows = len(dashboard.regions()) + 1
    assert len(cells) == 4 * n_rows * 13
    for value in cells:
        _assert_safe_text(value)
    assert "1-10" in cells and ("withheld" if not prefix else "retenido") in cells  # the fixture has small cells
    # Hover texts on the charts use the same labels.
    for title in re.findall(r"<circle [^>]*><title>([^<]*)</title>", html):
        _assert_safe_text(html_lib.unescape(title).rsplit(", ", 1)[1].split(": ", 1)[1])
    other = "/dashboard/" if prefix else "/es/dashboard/"
    assert f'href="{other}"' in html  # language switch on a public page (a link: no form, no cookie)
    assert not AuditEvent.objects.exists()  # nothing recorded about an anonymous visitor


def test_dashboard_in_spanish() -> None:
    html = Client().get("/es/dashboard/").content.decode()
    assert 'lang="es"' in html
    assert "Avisos recibidos" in html and "Cómo protegemos la privacidad" in html


def _walk_numbers(node: Any, path: str = "") -> list[tuple[str, int]]:
    if isinstance(node, bool):
        return []
    if isinstance(node, int):
        return [(path, node)]
    if isinstance(node, dict):
        return [x for k, v in node.items() for x in _walk_numbers(v, f"{path}.{k}")]
    if isinstance(node, list):
        return [x for k, v in enumerate(node) for x in _walk_numbers(v, f"{path}[{k}]")]
    return []


def test_public_api_reveals_no_small_count_and_no_derivable_cell() -> None:
    response = APIClient().get("/api/v1/outreach/public/dashboard/", {"year": LAST_YEAR})
    assert response.status_code == 200
    body = response.json()
    for path, number in _walk_numbers(body):
        if path in {".year"} or path.startswith(".years"):
            continue
        assert number == 0 or number >= 11, (path, number)
    assert body["year"] == LAST_YEAR and len(body["tables"]) == 4
    # Rebuild each published grid and check with the exact audit that no hidden entry follows.
    for table in body["tables"]:
        rows = [*table["regions"], table["statewide"]]
        assert all(len(r["months"]) == 12 for r in rows)
        for r in rows:
            for e in [*r["months"], r["total"]]:
                assert (e["count"] is None) == (e["display"] in ALLOWED_LABELS)
        # Published statewide figures equal the sum of published regional figures when all are shown.
        for j in range(12):
            column = [r["months"][j]["count"] for r in table["regions"]]
            if None not in column and table["statewide"]["months"][j]["count"] is not None:
                assert sum(column) == table["statewide"]["months"][j]["count"]


def test_server_side_tables_pass_the_exact_audit() -> None:
    for table in dashboard.public_tables(LAST_YEAR):
        rows = [*table.regions, table.statewide]
        # Recover true values from the fixture to audit (the audit needs them; the reader does not).
        from beacon.outreach import sources

        start = dt.datetime(LAST_YEAR, 1, 1, tzinfo=dt.UTC)
        data = sources.tips_by_month(start, start)
        parts = dashboard.regions()
        cells = [[sum(data.get(f, {}).get(m, 0) for f in r.fips) for m in table.months] for r in parts]
        ext = [[*c, sum(c)] for c in cells]
        ext.append([sum(r[j] for r in ext) for j in range(13)])
        marks = {(i, j): Mark(e.mark) for i, r in enumerate(rows) for j, e in enumerate([*r.months, r.total])
                 if e.mark != Mark.PUBLISHED}
        assert marks
        assert exposed_entries(ext, marks) == []
        for i, r in enumerate(rows):
            for j, e in enumerate([*r.months, r.total]):
                if 1 <= ext[i][j] <= 10:
                    assert e.count is None and e.display == "1-10"


def test_unpublished_year_is_refused() -> None:
    this_year = timezone.localdate().year
    assert Client().get("/dashboard/", {"year": this_year}).status_code == 404
    response = APIClient().get("/api/v1/outreach/public/dashboard/", {"year": this_year})  # a 404, like the page
    assert response.status_code == 404 and str(this_year) in response.json()["error"]
    malformed = APIClient().get("/api/v1/outreach/public/dashboard/", {"year": "20x4"})
    assert malformed.status_code == 400 and "year" in malformed.json()["fields"]


def test_awareness_day_page_with_empty_state() -> None:
    response = Client().get("/awareness/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "January 11" in html
    assert "1-888-373-7888" in html and "233733" in html
    assert 'href="/report/"' in html
    assert "No public workshops or events are scheduled right now" in html
    assert "Signs to look for" in html


def test_awareness_day_lists_events(monkeypatch: Any) -> None:
    from beacon.outreach import sources

    soon = timezone.now() + dt.timedelta(days=3)
    monkeypatch.setattr(sources, "upcoming_public_events", lambda now, limit=10: [
        {"title": "Recognising trafficking (community workshop)", "starts_at": soon, "place": "Kirksville library",
         "url": ""}])
    campaign = services.campaign_create(acting_user=None, name="Awareness Day 2027", start_date=timezone.localdate(),
                                        end_date=timezone.localdate() + dt.timedelta(days=90), counties=["29001"])
    services.activity_plan(acting_user=None, campaign=campaign, county="29001", channel="faith",
                           title="Community vigil", planned_date=timezone.localdate() + dt.timedelta(days=5),
                           public_event=True, location="Town square")
    services.activity_plan(acting_user=None, campaign=campaign, county="29001", channel="faith",
                           title="Internal planning", planned_date=timezone.localdate() + dt.timedelta(days=5))
    html = Client().get("/es/awareness/").content.decode()
    assert "Recognising trafficking (community workshop)" in html and "Kirksville library" in html
    assert "Community vigil" in html and "Town square" in html
    assert "Internal planning" not in html
    assert "Señales" in html


def test_sources_missing_degrade_to_empty(monkeypatch: Any) -> None:
    """Without the monkeypatches, a missing stats module yields empty figures, never an error."""
    import importlib

    from beacon.outreach import sources

    real = importlib.reload(sources)
    try:
        start = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
        for name in real.STATS_MODULES:
            app = name.split(".")[1]
            if real._stats(app) is None:
                assert name in real.missing()
        assert isinstance(real.tips_by_county(start, start), dict)
        assert isinstance(real.service_points(), list)
        assert isinstance(real.upcoming_public_events(timezone.now()), list)
    finally:
        importlib.reload(sources)

SOME_COUNTIES = ["29510", "29095", "29077", "29019", "29201", "29001", "29189", "29169"]


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.dictionaries(st.sampled_from(SOME_COUNTIES),
                       st.lists(st.one_of(st.just(0), st.integers(1, 10), st.integers(11, 60)), min_size=12,
                                max_size=12), max_size=len(SOME_COUNTIES)))
def test_public_api_never_reveals_small_counts_for_random_data(monkeypatch: Any, data: dict[str, list[int]]) -> None:
    from beacon.outreach import sources

    monthly = {f: {f"{LAST_YEAR}-{m + 1:02d}": v for m, v in enumerate(values)} for f, values in data.items()}
    with monkeypatch.context() as m:
        for name in ("tips_by_month", "trainings_by_month", "workshops_by_month", "referrals_by_month"):
            m.setattr(sources, name, lambda start, end: monthly)
        body = APIClient().get("/api/v1/outreach/public/dashboard/", {"year": LAST_YEAR}).json()
    for path, number in _walk_numbers(body):
        if path == ".year" or path.startswith(".years"):
            continue
        assert number == 0 or number >= 11, (path, number)


def test_awareness_day_lists_workshops_and_activities_in_one_date_order(monkeypatch: Any) -> None:
    from beacon.outreach import sources

    today = timezone.localdate()
    at = lambda days: timezone.make_aware(dt.datetime.combine(today + dt.timedelta(days=days), dt.time(18)))  # noqa: E731
    # Workshops come first from their source, but the activity on day 2 is sooner than the one on day 9.
    monkeypatch.setattr(sources, "upcoming_public_events", lambda now, limit=10: [
        {"title": "Workshop day 4", "starts_at": at(4), "place": "Library", "url": ""},
        {"title": "Workshop day 9", "starts_at": at(9), "place": "Library", "url": ""}])
    campaign = services.campaign_create(acting_user=None, name="Awareness", start_date=today,
                                        end_date=today + dt.timedelta(days=90), counties=["29001"])
    for days in (12, 2, 6):
        services.activity_plan(acting_user=None, campaign=campaign, county="29001", channel="faith",
                               title=f"Vigil day {days}", planned_date=today + dt.timedelta(days=days),
                               public_event=True, location="Town square")
    html = Client().get("/awareness/").content.decode()
    titles = re.findall(r"(Workshop day \d+|Vigil day \d+)", html)
    assert titles == ["Vigil day 2", "Workshop day 4", "Vigil day 6", "Workshop day 9", "Vigil day 12"]


def test_dashboard_opens_on_the_latest_year_with_data(monkeypatch: Any) -> None:
    from beacon.outreach import sources

    with_data = LAST_YEAR - 2

    def by_month(start: dt.datetime, end: dt.datetime) -> dict[str, dict[str, int]]:
        # Only one year has any count; every other year is all zeros.
        return {"29510": {f"{y}-{m:02d}": (25 if y == with_data else 0)
                          for y in range(start.year, end.year + 1) for m in range(1, 13)}}

    for name in ("tips_by_month", "trainings_by_month", "workshops_by_month", "referrals_by_month"):
        monkeypatch.setattr(sources, name, by_month)
    assert dashboard.latest_year_with_data() == with_data
    html = Client().get("/dashboard/").content.decode()
    assert f'<option value="{with_data}" selected>' in html
    assert f"Tips received, {with_data}" in html
    # An explicit year still works, and with no data anywhere the newest year is shown.
    assert f"Tips received, {LAST_YEAR}" in Client().get("/dashboard/", {"year": LAST_YEAR}).content.decode()
    for name in ("tips_by_month", "trainings_by_month", "workshops_by_month", "referrals_by_month"):
        monkeypatch.setattr(sources, name, lambda s, e: {})
    assert dashboard.latest_year_with_data() == LAST_YEAR


def test_dashboard_tables_scroll_by_keyboard_with_the_year_column_first() -> None:
    html = Client().get("/dashboard/", {"year": LAST_YEAR}).content.decode()
    wraps = re.findall(r'<div class="beacon-table-wrap[^"]*"([^>]*)>', html)
    assert len(wraps) == 4
    for attrs in wraps:
        assert 'tabindex="0"' in attrs and 'role="region"' in attrs and "aria-labelledby=" in attrs
    header = re.search(r"<thead><tr>(.*?)</tr></thead>", html, flags=re.S).group(1)  # type: ignore[union-attr]
    assert re.findall(r"<th[^>]*>([^<]*)</th>", header)[:3] == ["Region", "Year", f"{LAST_YEAR}-01"]


def test_dashboard_charts_use_type_readable_on_a_phone() -> None:
    html = Client().get("/dashboard/").content.decode()
    charts = re.findall(r'<svg [^>]*class="outreach-chart"[^>]*>', html)
    assert len(charts) == 4
    for tag in charts:
        width = int(re.search(r'viewBox="0 0 (\d+) \d+"', tag).group(1))  # type: ignore[union-attr]
        font = int(re.search(r'font-size="(\d+)"', tag).group(1))  # type: ignore[union-attr]
        # Scaled to a 390 px phone (about 358 px of content), the text is at least 12 px.
        assert font * 358 / width >= 12, (font, width)
    assert ">Mar</text>" in html
