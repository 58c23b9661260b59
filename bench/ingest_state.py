"""Print a digest of the stored ads and operations, independent of database ids (for comparing runs).

    DATABASE_URL=... PYTHONPATH=src .venv/bin/python bench/ingest_state.py [--full]

Each ad: its (site, id), content hash, version, analysis (risk, indicators, phones...), MinHash
signature, operation (by key) and text group (by the (site, id) of its oldest ad). Each operation:
its key, status, members, merged-into (by key) and summary. Two stores holding the same ads and
operations print the same digest, whatever their ids.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "beacon.settings")


def state() -> dict[str, object]:
    import django

    django.setup()
    from beacon.monitoring.models import Ad, AdBand, AdKey, Operation

    key_of_ad = dict(Ad.objects.values_list("pk", "site"))
    ext_of = {pk: f"{site}:{ext}" for pk, site, ext in Ad.objects.values_list("pk", "site", "external_id")}
    del key_of_ad
    op_key = dict(Operation.objects.values_list("pk", "key"))
    ads = []
    for a in Ad.objects.order_by("site", "external_id").values(
            "site", "external_id", "content_hash", "version", "risk", "indicators", "phones", "emails", "handles",
            "names", "prices", "ages", "place_name", "lat", "job", "kind", "signature", "operation_id", "text_group",
            "id"):
        a["signature"] = hashlib.sha256(bytes(a["signature"])).hexdigest()[:16] if a["signature"] is not None else None
        a["operation"] = op_key.get(a.pop("operation_id"))
        a["text_group"] = ext_of.get(a["text_group"])
        a["bands"] = sorted(AdBand.objects.filter(ad_id=a["id"]).values_list("band", "key")) if "--full" in sys.argv else None
        a["keys"] = sorted(AdKey.objects.filter(ad_id=a["id"]).values_list("key", flat=True)) if "--full" in sys.argv else None
        del a["id"]
        ads.append(a)
    members: dict[str, list[str]] = {}
    for pk, op in Ad.objects.values_list("pk", "operation_id"):
        if op is not None:
            members.setdefault(op_key[op], []).append(ext_of[pk])
    ops = []
    for o in Operation.objects.order_by("key").values("key", "status", "merged_into_id", "risk", "ad_count", "phones",
                                                    "cities", "template", "kinds", "summary_stale"):
        o["merged_into"] = op_key.get(o.pop("merged_into_id"))
        o["members"] = sorted(members.get(o["key"], []))
        ops.append(o)
    return {"ads": ads, "operations": ops}


def main() -> None:
    s = state()
    if "--dump" in sys.argv:
        print(json.dumps(s, sort_keys=True, default=str, indent=1))
        return
    blob = json.dumps(s, sort_keys=True, default=str)
    live = [o for o in s["operations"] if o["status"] != "merged"]  # type: ignore[index]
    print(json.dumps({"ads": len(s["ads"]), "operations": len(live),  # type: ignore[arg-type]
                      "digest": hashlib.sha256(blob.encode()).hexdigest()}))


if __name__ == "__main__":
    main()
