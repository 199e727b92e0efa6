"""The caller's deepest grant: where a record falls when the caller names no jurisdiction."""

from __future__ import annotations

from pingan.policy import Role
from pingan.principal import Grant, Principal


def principal(*grants: Grant) -> Principal:
    return Principal(user_id=7, username="someone", grants=grants)


def test_the_deepest_matching_grant_wins_and_the_first_of_equals() -> None:
    bureau = Grant(Role.admin, 1, "/1/")
    station = Grant(Role.analyst, 3, "/1/2/3/")
    other_station = Grant(Role.analyst, 4, "/1/2/4/")
    caller = principal(bureau, station, other_station)
    assert caller.deepest_grant("analytics", "write") == station
    # the officer role gives no analytics grant: only the admin's bureau grant matches
    assert (
        principal(bureau, Grant(Role.officer, 3, "/1/2/3/")).deepest_grant("analytics", "write")
        == bureau
    )


def test_no_matching_grant_is_none() -> None:
    assert principal(Grant(Role.citizen, 1, "/1/")).deepest_grant("analytics", "write") is None
    assert principal().deepest_grant("analytics", "read") is None
