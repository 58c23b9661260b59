"""HSDS 3.1 read-only API, mounted at /api/hsds/ (URL names prefixed ``hsds-``)."""

from django.urls import re_path

from . import hsds_api as v

UUID = r"(?P<id>[^/]+)"

urlpatterns = [
    re_path(r"^$", v.ApiMeta.as_view(), name="hsds-meta"),
    re_path(r"^services/?$", v.ServiceList.as_view(), name="hsds-services"),
    re_path(rf"^services/{UUID}/?$", v.ServiceDetail.as_view(), name="hsds-service"),
    re_path(r"^organizations/?$", v.OrganizationList.as_view(), name="hsds-organizations"),
    re_path(rf"^organizations/{UUID}/?$", v.OrganizationDetail.as_view(), name="hsds-organization"),
    re_path(r"^taxonomies/?$", v.TaxonomyList.as_view(), name="hsds-taxonomies"),
    re_path(rf"^taxonomies/{UUID}/?$", v.TaxonomyDetail.as_view(), name="hsds-taxonomy"),
    re_path(r"^taxonomy_terms/?$", v.TaxonomyTermList.as_view(), name="hsds-taxonomy-terms"),
    re_path(rf"^taxonomy_terms/{UUID}/?$", v.TaxonomyTermDetail.as_view(), name="hsds-taxonomy-term"),
    re_path(r"^service_at_locations/?$", v.ServiceAtLocationList.as_view(), name="hsds-service-at-locations"),
    re_path(rf"^service_at_locations/{UUID}/?$", v.ServiceAtLocationDetail.as_view(), name="hsds-service-at-location"),
]
