"""The Polaris typology of 25 types of human trafficking in the United States.

Source: Polaris, "The Typology of Modern Slavery: Defining Sex and Labor Trafficking in the
United States" (March 2017), https://polarisproject.org/the-typology-of-modern-slavery/.
The names and their order follow the report; the codes are Beacon's stable keys.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

SOURCE = 'Polaris, "The Typology of Modern Slavery: Defining Sex and Labor Trafficking in the United States", 2017'


class VenueType(models.TextChoices):
    ESCORT_SERVICES = "escort_services", _("Escort Services")
    ILLICIT_MASSAGE = "illicit_massage", _("Illicit Massage, Health & Beauty")
    OUTDOOR_SOLICITATION = "outdoor_solicitation", _("Outdoor Solicitation")
    RESIDENTIAL = "residential", _("Residential")
    DOMESTIC_WORK = "domestic_work", _("Domestic Work")
    BARS_STRIP_CLUBS = "bars_strip_clubs", _("Bars, Strip Clubs & Cantinas")
    PORNOGRAPHY = "pornography", _("Pornography")
    TRAVELING_SALES_CREWS = "traveling_sales_crews", _("Traveling Sales Crews")
    RESTAURANTS = "restaurants", _("Restaurants & Food Service")
    PEDDLING_BEGGING = "peddling_begging", _("Peddling & Begging")
    AGRICULTURE = "agriculture", _("Agriculture & Animal Husbandry")
    PERSONAL_SEXUAL_SERVITUDE = "personal_sexual_servitude", _("Personal Sexual Servitude")
    HEALTH_BEAUTY = "health_beauty", _("Health & Beauty Services")
    CONSTRUCTION = "construction", _("Construction")
    HOTELS = "hotels", _("Hotels & Hospitality")
    LANDSCAPING = "landscaping", _("Landscaping")
    ILLICIT_ACTIVITIES = "illicit_activities", _("Illicit Activities")
    ARTS_ENTERTAINMENT = "arts_entertainment", _("Arts & Entertainment")
    COMMERCIAL_CLEANING = "commercial_cleaning", _("Commercial Cleaning Services")
    FACTORIES = "factories", _("Factories & Manufacturing")
    REMOTE_SEXUAL_ACTS = "remote_sexual_acts", _("Remote Interactive Sexual Acts")
    CARNIVALS = "carnivals", _("Carnivals")
    FORESTRY = "forestry", _("Forestry & Logging")
    HEALTH_CARE = "health_care", _("Health Care")
    RECREATIONAL_FACILITIES = "recreational_facilities", _("Recreational Facilities")
