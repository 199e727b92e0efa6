"""Bounds every client-given number and list is held to, shared by all schemas and routes.

The database stores ids and counts in 32-bit ``INTEGER`` columns (PostgreSQL) and
SQLite refuses integers beyond 64 bits with an ``OverflowError``; an unbounded ``int``
from a client therefore ended as a 500. These types bound them where they are read, so
an out-of-range number answers 422 naming the field, and the OpenAPI description
carries the bounds (schemathesis generates inside them).
"""

from __future__ import annotations

from typing import Annotated

import annotated_types

#: Largest value of a PostgreSQL ``INTEGER`` (the id and count columns).
INT32_MAX = 2**31 - 1
#: Most entries a client may send in one list field (report items, ids to merge …).
MAX_LIST_ITEMS = 50

#: A record id: 1 … 2^31 - 1.
Id = Annotated[int, annotated_types.Ge(1), annotated_types.Le(INT32_MAX)]
#: A non-negative count or offset: 0 … 2^31 - 1.
Count = Annotated[int, annotated_types.Ge(0), annotated_types.Le(INT32_MAX)]
#: A random seed: 0 … 2^31 - 1.
Seed = Annotated[int, annotated_types.Ge(0), annotated_types.Le(INT32_MAX)]
