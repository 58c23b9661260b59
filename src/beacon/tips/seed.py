"""Demo tips: a handful in several counties, two of them sharing a phone (so they are linked).

Idempotent: each demo tip is looked up by its narrative; a second run creates nothing.
"""

from __future__ import annotations

from typing import Any

from beacon.core.models import County

from .models import Tip
from .services import TipInput, tip_submit

DEMO_TIPS: list[dict[str, Any]] = [
    {"narrative": "(demo) Two girls who look about 15 are brought to the motel off I-70 every Friday by an older man. "
                  "The ad he posts says text 816.555.0101.", "county_fips": "29095", "minor": True,
     "situation": "sex", "indicators": ["online_ads", "older_partner"], "occurred": "Fridays since September"},
    {"narrative": "(demo) Saw an online ad with the number eight one six 555 o1o1 for 'dates' at a truck stop near "
                  "Springfield.", "place_text": "Springfield", "situation": "sex", "indicators": ["online_ads"]},
    {"narrative": "(demo) Workers at the restaurant sleep in the back room and say the owner keeps their passports. "
                  "Van plate MO ABC 1234.", "place_text": "St. Louis", "situation": "labor",
     "indicators": ["documents_taken", "lives_at_work", "unpaid"]},
    {"narrative": "(demo) A nail salon at 1200 North Main Street has many visitors late at night and the windows are "
                  "covered.", "lat": 38.5767, "lon": -92.1735, "situation": "unsure", "indicators": ["many_visitors"]},
    {"narrative": "(demo) Farm crew brought in by a recruiter who says they owe him for travel; one worker was hurt "
                  "and not allowed to see a doctor.", "county_fips": "29201", "danger": True, "situation": "labor",
     "indicators": ["debt", "threatened"], "contact": "(demo) Call the church office, ask for Ruth"},
    {"narrative": "(demo) Someone online keeps messaging teenagers in our town offering modelling jobs, account "
                  "@star_model_scout.", "place_text": "Kirksville", "situation": "sex",
     "subjects": {"accounts": ["@star_model_scout"]}},
]


def run(*, demo: bool = True) -> dict[str, int]:
    created = 0
    if not demo or not County.objects.exists():
        return {"tips": 0}
    for spec in DEMO_TIPS:
        if Tip.objects.filter(is_demo=True, narrative=spec["narrative"]).exists():
            continue
        tip_submit(data=TipInput(language="en", **spec), demo=True)
        created += 1
    return {"tips": created}
