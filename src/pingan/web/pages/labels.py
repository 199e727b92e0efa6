"""Names of incident types and statuses in the current language."""

from __future__ import annotations

from pingan.web import i18n

#: The types a citizen picks from on the report form, most common first.
CITIZEN_TYPES: tuple[str, ...] = (
    "theft.ebike",
    "theft.phone",
    "theft.bicycle",
    "theft.burglary",
    "theft.vehicle",
    "fraud",
    "dispute",
    "assault",
    "noise",
    "fire_hazard",
    "traffic",
    "suspicious",
    "other",
)


def type_label(incident_type: str) -> str:
    _ = i18n.gettext_
    labels = {
        "theft.ebike": _("E-bike theft"),
        "theft.bicycle": _("Bicycle theft"),
        "theft.phone": _("Phone theft"),
        "theft.burglary": _("Burglary"),
        "theft.vehicle": _("Vehicle theft"),
        "theft.other": _("Other theft"),
        "theft": _("Theft"),
        "robbery": _("Robbery"),
        "fraud": _("Fraud"),
        "assault": _("Assault"),
        "dispute": _("Dispute"),
        "noise": _("Noise"),
        "fire_hazard": _("Fire hazard"),
        "traffic": _("Traffic"),
        "missing_person": _("Missing person"),
        "suspicious": _("Suspicious activity"),
        "vice": _("Vice"),
        "other": _("Other"),
    }
    return labels.get(incident_type, incident_type)


def status_label(status: str) -> str:
    _ = i18n.gettext_
    labels = {
        "received": _("Received"),
        "confirmed": _("Confirmed"),
        "dispatched": _("Police on the way"),
        "on_scene": _("Police on scene"),
        "resolved": _("Resolved"),
        "closed": _("Closed"),
        "rejected": _("Not taken up"),
        "duplicate": _("Merged with another report"),
    }
    return labels.get(status, status)


#: The steps a citizen sees on the status page.
CITIZEN_STEPS: tuple[str, ...] = ("received", "confirmed", "dispatched", "on_scene", "resolved")
