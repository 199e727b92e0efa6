"""Server-rendered pages (Jinja2), one module per page, in Chinese and English.

``router`` gathers them; :data:`pingan.web.app.ROUTERS` mounts it.
"""

from __future__ import annotations

from fastapi import APIRouter

from pingan.web.pages import citizen, session

router = APIRouter(include_in_schema=False)
router.include_router(session.router)
router.include_router(citizen.router)

__all__ = ["router"]
