"""Beacon ad scanning: a Django-free analysis core.

Turns a raw ad feed into explained, ranked operations:

* extraction (:func:`extract`, :func:`extract_phones`, :func:`normalise_phone`...)
  reusable by the tip line and case management;
* ad-level indicators with evidence spans and weights (:func:`analyse_ad`);
* operation clustering, batch (:func:`scan_records`, :func:`scan_file`),
  streaming with flat memory per ad (:func:`scan_to_dir`, used by the
  command line) or incremental (:class:`OperationIndex`);
* operation summaries with movement, template and an explainable risk;
* job ads and recruitment posts (``kind="job"``, English and Spanish): pay,
  fees, employer, contact and industry extraction and a labor-exploitation
  indicator catalogue (:mod:`beacon.adscan.jobs`).

Command line: ``python -m beacon.adscan scan INPUT --out DIR``.
"""

from __future__ import annotations

from .analyse import analyse_ad
from .cluster import HOTLINES, ClusterParams, OperationIndex, cluster_batch, cluster_id_for
from .extract import (
    extract,
    extract_ages,
    extract_emails,
    extract_handles,
    extract_names,
    extract_phones,
    extract_prices,
    extract_urls,
    normalise_phone,
)
from .indicators import AD_INDICATORS, CLUSTER_INDICATORS, JOB_INDICATORS
from .minhash import MinHashParams
from .models import (
    Ad,
    AgeMatch,
    AnalysedAd,
    CityVisit,
    Extraction,
    HandleMatch,
    Indicator,
    Operation,
    PhoneMatch,
    Place,
    PlaceMatch,
    PriceMatch,
    Rejected,
    TextMatch,
)
from .operations import build_operation
from .places import PLACES, distance_km, find_places, normalise_city, normalise_state
from .records import InputError, iter_file, parse_record
from .scan import ScanResult, scan_file, scan_records, write_outputs
from .stream import StreamResult, scan_to_dir

__all__ = [
    "AD_INDICATORS",
    "CLUSTER_INDICATORS",
    "HOTLINES",
    "JOB_INDICATORS",
    "PLACES",
    "Ad",
    "AgeMatch",
    "AnalysedAd",
    "CityVisit",
    "ClusterParams",
    "Extraction",
    "HandleMatch",
    "Indicator",
    "InputError",
    "MinHashParams",
    "Operation",
    "OperationIndex",
    "PhoneMatch",
    "Place",
    "PlaceMatch",
    "PriceMatch",
    "Rejected",
    "ScanResult",
    "StreamResult",
    "TextMatch",
    "analyse_ad",
    "build_operation",
    "cluster_batch",
    "cluster_id_for",
    "distance_km",
    "extract",
    "extract_ages",
    "extract_emails",
    "extract_handles",
    "extract_names",
    "extract_phones",
    "extract_prices",
    "extract_urls",
    "find_places",
    "iter_file",
    "normalise_city",
    "normalise_phone",
    "normalise_state",
    "parse_record",
    "scan_file",
    "scan_records",
    "scan_to_dir",
    "write_outputs",
]
