"""Settings: one typed object, read from the environment (``PINGAN_`` prefix).

Nothing happens at import: call :func:`get_settings` (cached) or build a
:class:`Settings` yourself and pass it on (``create_app(settings)``).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Annotated

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from pingan.errors import ConfigError

DEFAULT_SECRET = "change-me-demo-secret"
DEMO_PASSWORD = "pingan-demo-2026"

#: Free-flow speeds in km/h by OSM ``highway`` class and travel mode, used where a
#: way has no usable ``maxspeed``. Urban night-time figures: a patrol car rarely
#: reaches the posted limit on a residential street, an e-bike is capped at 25 km/h
#: by GB 17761-2018, people walk at about 5 km/h.
DEFAULT_SPEEDS_KMH: dict[str, dict[str, float]] = {
    "car": {
        "motorway": 90,
        "trunk": 70,
        "primary": 50,
        "secondary": 45,
        "tertiary": 40,
        "unclassified": 30,
        "residential": 30,
        "living_street": 10,
        "service": 15,
        "road": 30,
    },
    "ebike": {
        "trunk": 25,
        "primary": 25,
        "secondary": 25,
        "tertiary": 25,
        "unclassified": 22,
        "residential": 22,
        "living_street": 12,
        "service": 15,
        "road": 20,
        "cycleway": 22,
        "track": 12,
        "path": 12,
        "pedestrian": 8,
        "footway": 8,
    },
    "foot": {
        "primary": 5,
        "secondary": 5,
        "tertiary": 5,
        "unclassified": 5,
        "residential": 5,
        "living_street": 5,
        "service": 5,
        "road": 5,
        "cycleway": 5,
        "track": 4.5,
        "path": 4.5,
        "pedestrian": 5,
        "footway": 5,
        "steps": 2,
        "trunk": 5,
    },
}


class Settings(BaseSettings):
    """Everything pingan reads from its environment."""

    model_config = SettingsConfigDict(env_prefix="PINGAN_", env_file=None, extra="ignore")

    data_dir: Path = Path("var")
    database_url: str = ""
    #: Database connections per process: PostgreSQL's pool keeps this many and opens as many
    #: again while busy (so a process holds at most twice this: size ``max_connections`` for
    #: web workers × 2 × this + job workers). A web process lets this many requests hold a
    #: session at once (the others wait their turn, they do not fail) and runs its blocking
    #: work on this many threads (pingan.web.capacity).
    db_pool_size: int = Field(default=16, ge=1, le=500)
    secret_key: str = DEFAULT_SECRET
    time_zone: str = "Asia/Shanghai"
    default_language: str = "zh-CN"
    demo_mode: bool = False
    demo_password: str = DEMO_PASSWORD
    #: Cookies only over HTTPS (turn off only for local demo on plain http).
    secure_cookies: bool = True
    #: Outside demo mode, serve the API docs (/api/docs, /api/openapi.json) to admins only
    #: when this is on; demo mode always serves them.
    api_docs: bool = False
    token_ttl_hours: int = 12
    #: Rate limits (``limits`` notation, ``;`` between several; "" turns one off). Counters
    #: live in Redis when ``redis_url`` is set, else in the database (shared by all workers).
    redis_url: str = ""
    #: Background jobs (pingan.jobs): ``pingan serve`` / ``pingan demo`` run a worker thread
    #: unless this is off (then run ``pingan worker`` processes). A running job's worker
    #: renews its lease every third of ``job_lease_s``; a job whose lease lapsed (its worker
    #: was killed) is queued again, up to ``job_max_attempts`` runs, then failed.
    jobs_embedded: bool = True
    job_lease_s: float = 30.0
    job_max_attempts: int = 3
    #: One JSON object a log line, with the request id (pingan.logs); deployments set it.
    log_json: bool = False
    #: Failed logins per (username, client address) before that pair is refused for the rest
    #: of the window: a stepped back-off. Never locks the account for other addresses.
    login_failure_limit: str = "5/minute;10/hour;20/day"
    #: Login page attempts per client address, whatever the username (answered 429).
    login_rate_limit: str = "30/minute;300/hour"
    #: ``POST /api/v1/auth/token`` per client address.
    token_rate_limit: str = "30/minute;300/hour"
    #: Anonymous report form submissions per client address, and per form token.
    report_rate_limit: str = "20/minute;200/hour"
    report_form_token_rate_limit: str = "5/10minutes"
    #: How long a report form token stays valid (it is also spent by a successful report).
    report_form_token_ttl_s: int = 1800
    #: Photos uploaded with reports, per client address.
    photo_rate_limit: str = "10/minute;60/hour"
    #: Open311 ``POST requests.json`` per API key.
    open311_rate_limit: str = "120/minute;2000/hour"
    #: WeCom / DingTalk group connector callbacks, per connected group.
    connector_rate_limit: str = "60/minute;1000/hour"
    #: "Is this a scam?" consultations (anonymous allowed), per client address.
    consultation_rate_limit: str = "10/minute;60/hour"
    #: Anti-fraud warnings: first contact due this long after the warning, by tier.
    antifraud_due_red_s: int = Field(default=600, ge=1, le=604_800)
    antifraud_due_orange_s: int = Field(default=7_200, ge=1, le=604_800)
    antifraud_due_yellow_s: int = Field(default=86_400, ge=1, le=604_800)
    #: Outreach reach: the walk (seconds on the foot network) that counts as within reach of
    #: a stall; 10 minutes is about 830 m at 5 km/h.
    antifraud_outreach_walk_s: float = Field(default=600.0, ge=30.0, le=3_600.0)
    #: A group-chat question about a scam gets an answer in the group only when the
    #: screening is at least this confident (below: no reply, still counted as demand).
    antifraud_chat_reply_confidence: float = Field(default=0.7, ge=0.0, le=1.0)
    #: Fire-safety ledgers: an alarm confirmed on site later than this is flagged (GB 25506).
    ledger_alarm_confirm_limit_s: int = Field(default=180, ge=10, le=3_600)
    #: Rectification deadline of a hazard after it is found, by severity (days).
    ledger_deadline_major_days: int = Field(default=60, ge=1, le=730)
    ledger_deadline_ordinary_days: int = Field(default=15, ge=1, le=365)
    #: Inspection frequencies over the 公安部令第61号 defaults, per site category:
    #: ``{"bar": {"patrol_h": 2, "check_days": 30, "training_days": 182, "drill_days": 182}}``.
    ledger_frequencies: dict[str, dict[str, int]] = Field(default_factory=dict)
    #: Operators' certificates expiring within this many days are listed.
    ledger_certificate_warning_days: int = Field(default=60, ge=1, le=365)
    #: Community: a QR check-in farther than this from its point is refused (metres).
    checkin_max_distance_m: float = Field(default=150.0, gt=0, le=5_000)
    #: How long a printed check-in QR code stays valid (days).
    checkin_code_ttl_days: int = Field(default=180, ge=1, le=3_650)
    #: A check-in this long after the shift's start counts as late (seconds).
    checkin_late_s: int = Field(default=600, ge=0, le=86_400)
    #: Qualifications expiring within this many days are reminded.
    qualification_reminder_days: int = Field(default=30, ge=1, le=365)
    #: Volunteer applications from the public page, per client address.
    volunteer_apply_rate_limit: str = "5/minute;30/hour"
    #: Points (积分) per officer-verified outcome.
    points_patrol_shift: int = Field(default=50, ge=0, le=10_000)
    points_stall: int = Field(default=50, ge=0, le=10_000)
    points_clue: int = Field(default=5, ge=0, le=10_000)
    points_clue_useful: int = Field(default=50, ge=0, le=10_000)
    points_clue_case: int = Field(default=100, ge=0, le=10_000)
    points_property_returned: int = Field(default=50, ge=0, le=10_000)
    #: A unit without a position report for this long is shown but not recommended.
    position_stale_s: int = 600
    #: Response tiers in seconds (1-3-5 minutes).
    tiers_s: Annotated[tuple[int, ...], NoDecode] = (60, 180, 300)
    speeds_kmh: dict[str, dict[str, float]] = Field(default_factory=lambda: DEFAULT_SPEEDS_KMH)
    #: The audit chain's HMAC key (at least 32 characters), or a file holding it. Never in
    #: the database nor in the data folder; outside demo mode one of the two is required.
    #: Demo mode generates a key file in ``<data_dir>-keys/`` next to the data folder.
    audit_key: str = ""
    audit_key_file: Path | None = None
    #: Files of earlier audit keys, oldest first, separated by commas: after a rotation,
    #: ``verify`` checks the rows made with them (never after a row of a later key).
    audit_retired_key_files: Annotated[tuple[Path, ...], NoDecode] = ()
    #: Append-only file of chain anchors written by ``pingan audit anchor`` and checked by
    #: ``pingan audit verify``; demo mode keeps it next to the generated key.
    audit_anchor_file: Path | None = None
    #: ``pingan serve`` anchors the chain every this many minutes (0: only by hand or cron).
    audit_anchor_minutes: int = Field(default=0, ge=0, le=10_080)
    #: ``pingan serve`` writes each running campaign's daily brief (每日通报) of the day
    #: before at this local hour (0–23) into ``data_dir/briefs``; ``None``: only on demand.
    campaign_brief_hour: int | None = Field(default=None, ge=0, le=23)

    @field_validator("audit_retired_key_files", mode="before")
    @classmethod
    def _parse_paths(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(Path(part.strip()) for part in value.split(",") if part.strip())
        return value

    @field_validator("tiers_s", mode="before")
    @classmethod
    def _parse_tiers(cls, value: object) -> object:
        if isinstance(value, str):
            try:
                return tuple(int(part) for part in value.split(",") if part.strip())
            except ValueError:
                raise ValueError(
                    "tiers must be seconds separated by commas, e.g. 60,180,300"
                ) from None
        return value

    @field_validator(
        "login_failure_limit",
        "login_rate_limit",
        "token_rate_limit",
        "report_rate_limit",
        "report_form_token_rate_limit",
        "photo_rate_limit",
        "open311_rate_limit",
        "consultation_rate_limit",
        "volunteer_apply_rate_limit",
    )
    @classmethod
    def _check_rate_limit(cls, value: str) -> str:
        from limits import parse_many

        if value.strip():
            try:
                parse_many(value)
            except ValueError:
                raise ValueError(
                    f"{value!r} is not a rate limit; write e.g. 10/minute or 5/minute;50/hour"
                ) from None
        return value

    @property
    def sqlite_path(self) -> Path:
        return self.data_dir / "pingan.sqlite3"

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.sqlite_path}"

    @property
    def cities_dir(self) -> Path:
        return self.data_dir / "cities"

    @property
    def demo_keys_dir(self) -> Path:
        """Where demo mode keeps its generated audit key and anchors: beside the data folder,
        not in it (a copy of the data folder must not carry the key)."""
        data_dir = self.data_dir.resolve()
        return data_dir.parent / f"{data_dir.name}-keys"

    def check_safe(self) -> None:
        """Refuse to run outside demo mode with a default secret or demo password, or
        without an audit chain key kept outside the database and the data folder."""
        self.check_audit_key()
        if self.demo_mode:
            return
        if not self.secret_key or self.secret_key == DEFAULT_SECRET or len(self.secret_key) < 16:
            raise ConfigError(
                "PINGAN_SECRET_KEY is missing or still the default; set a random secret "
                "of at least 16 characters (or PINGAN_DEMO_MODE=1 for the demo)."
            )
        if self.demo_password == DEMO_PASSWORD:
            raise ConfigError(
                "PINGAN_DEMO_PASSWORD is unchanged; outside demo mode set it to a secret "
                "value (it is used only when demo accounts are created)."
            )

    def check_audit_key(self) -> None:
        """Refuse an audit key that is short, missing outside demo mode, or kept in the
        data folder (whatever copies the database would copy the key with it)."""
        if self.audit_key and len(self.audit_key) < 32:
            raise ConfigError("PINGAN_AUDIT_KEY must be at least 32 characters.")
        key_files = (self.audit_key_file, *self.audit_retired_key_files)
        for key_file in (path.resolve() for path in key_files if path is not None):
            if key_file.is_relative_to(self.data_dir.resolve()):
                raise ConfigError(
                    f"the audit key file {key_file} lies inside the data folder; keep audit "
                    "keys outside it (and outside the database's backups)."
                )
        if not self.demo_mode and not self.audit_key and self.audit_key_file is None:
            raise ConfigError(
                "no audit chain key: set PINGAN_AUDIT_KEY (at least 32 random characters) "
                "or PINGAN_AUDIT_KEY_FILE to a file outside the data folder "
                "(or PINGAN_DEMO_MODE=1 for the demo)."
            )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
