"""Root URLs.  Each area app provides three modules, mounted here:

- ``urls`` (staff pages, namespace = app label, under ``/staff/<area>/``),
- ``public_urls`` (public pages, namespace ``<label>_public``, also served in Spanish under ``/es/``),
- ``api_urls`` (API endpoints under ``/api/v1/``).
"""

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django_otp.admin import OTPAdminSite
from drf_spectacular.views import SpectacularAPIView

from beacon.tips.webhooks import sms_inbound

admin.site.__class__ = OTPAdminSite  # the Django admin also requires a verified second factor

AREAS = {
    # label: staff URL prefix
    "tips": "staff/tips/",
    "cases": "staff/cases/",
    "monitoring": "staff/ads/",
    "survivors": "staff/survivors/",
    "training": "staff/training/",
    "outreach": "staff/outreach/",
    "records": "staff/records/",  # retention, legal holds, exports (the search is at /staff/search/)
}

urlpatterns = [
    path("", include("beacon.core.urls")),
    path("django-admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/v1/", include("beacon.core.api_urls")),
    path("sms/inbound/", sms_inbound, name="sms-inbound"),  # the SMS gateway's webhook (signature-authenticated)
]
for label, prefix in AREAS.items():
    urlpatterns += [
        path(prefix, include((f"beacon.{label}.urls", label))),
        path("api/v1/", include(f"beacon.{label}.api_urls")),
    ]
urlpatterns += [path("api/hsds/", include("beacon.survivors.hsds_urls"))]
urlpatterns += [path("staff/search/", include("beacon.records.search_urls"))]

urlpatterns += i18n_patterns(
    path("", include(("beacon.core.public_urls", "core_public"))),
    *[path("", include((f"beacon.{label}.public_urls", f"{label}_public"))) for label in AREAS],
    prefix_default_language=False,
)

# Under /api/ Django's error pages answer in the API's JSON error shape (beacon.core.errors).
handler400 = "beacon.core.errors.bad_request"
handler404 = "beacon.core.errors.page_not_found"
handler500 = "beacon.core.errors.server_error"
