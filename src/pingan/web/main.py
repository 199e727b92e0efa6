"""ASGI factory for uvicorn (``uvicorn --factory pingan.web.main:build``)."""

from fastapi import FastAPI

from pingan.config import get_settings
from pingan.web.app import create_app


def build() -> FastAPI:
    return create_app(get_settings())
