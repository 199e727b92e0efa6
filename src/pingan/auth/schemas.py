from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from pingan.bounds import MAX_LIST_ITEMS
from pingan.policy import Role


class LoginRequest(BaseModel):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)


class TokenRead(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_at: datetime


class GrantRead(BaseModel):
    role: Role
    jurisdiction_code: str


class UserCreate(BaseModel):
    username: str = Field(min_length=2, max_length=64, pattern=r"^[A-Za-z0-9_.\-]+$")
    password: str = Field(min_length=10, max_length=256)
    display_name: str = Field(default="", max_length=200)
    phone: str | None = Field(default=None, max_length=32)
    grants: list[GrantRead] = Field(default_factory=list, max_length=MAX_LIST_ITEMS)


class UserRead(BaseModel):
    id: int
    username: str
    display_name: str
    grants: list[GrantRead]
    language: str | None = None


class PasswordChange(BaseModel):
    old_password: str = Field(min_length=1, max_length=256)
    new_password: str = Field(min_length=10, max_length=256)
