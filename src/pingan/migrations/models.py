"""Every model module, imported: the schema the migrations build and must match.

Alembic's ``env.py`` and the storage test compare ``Base.metadata`` with the migrated
database; the metadata holds a table only once its model module has been imported.
"""

from __future__ import annotations

from sqlalchemy import MetaData

import pingan.analytics.models
import pingan.antifraud.models
import pingan.audit.models
import pingan.auth.models
import pingan.campaigns.models
import pingan.city.models
import pingan.community.connectors.models
import pingan.community.models
import pingan.dispatch.models
import pingan.incidents.models
import pingan.jobs.models
import pingan.jurisdictions.models
import pingan.ledgers.models
import pingan.patrol.models
import pingan.ratelimit
import pingan.units.models
from pingan.db import Base

MODEL_MODULES = (
    pingan.jurisdictions.models,
    pingan.auth.models,
    pingan.audit.models,
    pingan.city.models,
    pingan.incidents.models,
    pingan.units.models,
    pingan.dispatch.models,
    pingan.analytics.models,
    pingan.patrol.models,
    pingan.ratelimit,
    pingan.antifraud.models,
    pingan.ledgers.models,
    pingan.community.models,
    pingan.community.connectors.models,
    pingan.campaigns.models,
    pingan.jobs.models,
)


def import_all_models() -> MetaData:
    """``Base.metadata`` with the whole schema (every model module is imported above)."""
    return Base.metadata
