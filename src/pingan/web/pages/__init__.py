"""Server-rendered pages (Jinja2), one module per page, in Chinese and English.

``router`` gathers them with the live-update stream (:mod:`pingan.web.stream`);
:data:`pingan.web.app.ROUTERS` mounts it.
"""

from __future__ import annotations

from fastapi import APIRouter

from pingan.web import stream
from pingan.web.pages import (
    analysis,
    antifraud,
    board,
    citizen,
    community,
    dashboard,
    ledgers,
    plans,
    session,
)

router = APIRouter()
router.include_router(session.router)
router.include_router(citizen.router)
router.include_router(board.router)
router.include_router(dashboard.router)
router.include_router(analysis.router)
router.include_router(antifraud.router)
router.include_router(ledgers.router)
router.include_router(community.router)
router.include_router(plans.router)
router.include_router(stream.router)

__all__ = ["router"]
