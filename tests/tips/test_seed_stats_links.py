from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone

from beacon.core import links
from beacon.tips import seed, stats
from beacon.tips.models import Tip, TipIdentifier

from .conftest import GREENE, JACKSON

CHICAGO = ZoneInfo("America/Chicago")


def test_seed_is_idempotent_labelled_and_linked(mo: Any) -> None:
    assert seed.run(demo=True) == {"tips": len(seed.DEMO_TIPS)}
    assert seed.run(demo=True) == {"tips": 0}
    tips = Tip.objects.all()
    assert tips.count() == len(seed.DEMO_TIPS)
    assert all(t.is_demo and t.narrative.startswith("(demo)") for t in tips)
    assert len({t.county_id for t in tips}) >= 5
    phone_tips = TipIdentifier.objects.filter(identifier__kind="phone", identifier__value="+18165550101")
    assert phone_tips.count() == 2
    assert seed.run(demo=False) == {"tips": 0}


def test_stats_by_county_and_month(submit: Any) -> None:
    a = submit(county_fips=JACKSON).tip
    submit(county_fips=JACKSON)
    submit(county_fips=GREENE)
    submit(county_fips=GREENE, honeypot="bot")  # spam: not counted
    submit(place_text="nowhere at all")  # no county: not counted
    old = dt.datetime(2025, 3, 15, 12, 0, tzinfo=CHICAGO)
    Tip.objects.filter(pk=a.pk).update(created_at=old)
    start = dt.datetime(2025, 1, 1, tzinfo=CHICAGO)
    end = timezone.now() + dt.timedelta(days=1)
    assert stats.tips_by_county(start, end) == {JACKSON: 2, GREENE: 1}
    month = timezone.localtime(timezone.now()).strftime("%Y-%m")
    assert stats.tips_by_month(start, end) == {JACKSON: {"2025-03": 1, month: 1}, GREENE: {month: 1}}
    assert stats.tips_by_county(start, old) == {}  # end is exclusive


def test_link_provider_applies_the_access_rule(submit: Any, tf_user: Any) -> None:
    provider = links.provider("tip")
    kc = submit("Phone 816 555 0101 on the flyer", county_fips=JACKSON).tip
    sw = submit("Same number 8165550101 here", county_fips=GREENE).tip
    ident = kc.identifiers.get().pk
    assert provider.identifiers_of([str(kc.pk)]) == {str(kc.pk): {ident}}
    assert provider.objects_with([ident]) == {str(kc.pk): {ident}, str(sw.pk): {ident}}
    user = tf_user("kansas-city", "investigator")
    assert provider.visible_to(user, [str(kc.pk), str(sw.pk), "x"]) == {str(kc.pk)}
    assert provider.visible_to(tf_user("kansas-city", "trainer"), [str(kc.pk)]) == set()
    described = provider.describe([str(sw.pk)])[str(sw.pk)]
    assert described.url == f"/staff/tips/{sw.pk}/" and "Greene" in described.label
