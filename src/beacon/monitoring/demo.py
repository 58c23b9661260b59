"""A small, deterministic, clearly fictional ad feed for the demo and the tests.

Every phone is a 555-01xx number (reserved for fiction), every URL is on example.com, and
every title says "(demo)".  Three planted operations (one moving along I-70, one along I-44,
one staying put) and a few unrelated ads.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

SITE = "classifieds.example.com"
START = datetime(2026, 3, 2, 18, 0, tzinfo=UTC)

_I70 = [("Kansas City", 0), ("Kansas City", 1), ("Independence", 2), ("Columbia", 3), ("Columbia", 4),
        ("St. Louis", 5), ("St. Louis", 6), ("St. Charles", 7)]
_I70_PHONES = ["816-555-0101", "eight one six 555 o1o2", "8l6.555.0103"]
_I70_NAMES = ["Candy", "Daisy", "Honey", "Lexi"]

_I44 = [("Springfield", 0), ("Springfield", 1), ("Joplin", 3), ("Rolla", 5), ("Rolla", 6), ("Lebanon", 8)]
_I44_PHONES = ["417-555-0110", "417.555.0111"]

_BENIGN = [
    ("Couch for sale (demo)", "Gently used grey couch, pick up only, cash. Text 314-555-0150.", "St. Louis"),
    ("Lawn mowing (demo)", "Weekly lawn mowing and leaf cleanup, free quotes. Call 573-555-0151.", "Jefferson City"),
    ("Guitar lessons (demo)", "Beginner guitar lessons for all ages at my studio. 816-555-0152.", "Kansas City"),
    ("Lost dog (demo)", "Lost brown terrier near the park, answers to Biscuit. Please call 417-555-0153.", "Springfield"),
    ("Moving boxes (demo)", "Free moving boxes, about thirty, you haul. Email boxes-demo@example.com", "Columbia"),
]


def feed() -> list[dict[str, Any]]:
    """The demo ads as input records (the columns of ``beacon ads ingest``)."""
    ads: list[dict[str, Any]] = []
    for i, (city, day) in enumerate(_I70):
        phone = _I70_PHONES[i % len(_I70_PHONES)]
        name = _I70_NAMES[i % len(_I70_NAMES)]
        ads.append({
            "id": f"demo-i70-{i + 1:02d}", "site": SITE, "url": f"https://{SITE}/ads/demo-i70-{i + 1:02d}",
            "posted_at": (START + timedelta(days=day, hours=i % 3)).isoformat(),
            "title": f"{name} (demo) sweet young new girl in {city}",
            "body": (f"Hi gentlemen, I'm {name}, sweet young and petite, discreet and professional, real pics no games. "
                     f"Incall and outcall available in {city} all week, call or text {phone} to book your time with me."),
            "city": city, "state": "MO", "phone": phone, "age": "19" if i % 2 else "21",
            "images": [f"demo-img-i70-{i % 2}"],
        })
    for i, (city, day) in enumerate(_I44):
        phone = _I44_PHONES[i % len(_I44_PHONES)]
        ads.append({
            "id": f"demo-i44-{i + 1:02d}", "site": SITE, "url": f"https://{SITE}/ads/demo-i44-{i + 1:02d}",
            "posted_at": (START + timedelta(days=day, hours=2)).isoformat(),
            "title": f"Two girls available (demo) - {city}",
            "body": (f"Our girls are Latina and Asian, she is ready for you tonight in {city}. Ask for her by name, "
                     f"we have the best service on the highway, message snap: demo_ozark_girls or {phone} now."),
            "city": city, "state": "MO", "phone": phone, "age": "20",
            "images": ["demo-img-i44"],
        })
    for i in range(3):
        ads.append({
            "id": f"demo-spa-{i + 1:02d}", "site": SITE, "url": f"https://{SITE}/ads/demo-spa-{i + 1:02d}",
            "posted_at": (START + timedelta(days=2 * i, hours=5)).isoformat(),
            "title": "Relaxing massage (demo)",
            "body": ("Relaxing therapeutic massage studio downtown, walk ins welcome, open late every day of the week, "
                     "gift cards available, call 573-555-0120."),
            "city": "Jefferson City", "state": "MO", "phone": "573-555-0120", "age": "",
            "images": [],
        })
    for i, (title, body, city) in enumerate(_BENIGN):
        ads.append({
            "id": f"demo-misc-{i + 1:02d}", "site": SITE, "url": f"https://{SITE}/ads/demo-misc-{i + 1:02d}",
            "posted_at": (START + timedelta(days=i, hours=9)).isoformat(),
            "title": title, "body": body, "city": city, "state": "MO", "phone": "", "age": "", "images": [],
        })
    return ads
