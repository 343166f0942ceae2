"""One settings object for the whole platform; the default needs no configuration at all.

Values come from `LINGXI_*` environment variables (or a `.env` file), and the data directory from
`--home` / `LINGXI_HOME`. Everything the embedded default writes lives under that directory.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LINGXI_", env_file=".env", extra="ignore")

    home: Path = Path.home() / ".lingxi"
    database_url: str | None = None  # default: SQLite file inside home
    host: str = "127.0.0.1"
    port: int = 8000
    web_threads: int = 4  # request threads per web worker process (see lingxi/web/app.py)
    import_batch_size: int = 1000
    embed_in_background: bool = True  # the web server embeds patents for semantic search in a background thread
    warm_up_matching: bool = True  # each web worker loads the matcher's models at start (lingxi/matching/warm_up.py)
    # text generation (abstract rewriting, translation): an OpenAI-compatible endpoint; off unless a URL is set
    generation_url: str | None = None
    generation_model: str | None = None
    generation_api_key: str | None = None
    generation_timeout: float = 60.0
    # precise push (lingxi/push, docs/push.md): e-mail goes out only when an SMTP host is set
    public_url: str = "http://127.0.0.1:8000"  # links in e-mails and webhook payloads
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_from: str = "lingxi@localhost"
    smtp_user: str | None = None
    smtp_password: str | None = None
    smtp_starttls: bool = False
    smtp_timeout: float = 15.0
    webhook_timeout: float = 10.0
    push_webhook_allow_private: bool = False  # webhooks to loopback/private addresses (an intranet receiver)
    push_max_attempts: int = 5  # a failed e-mail/webhook is retried by the next runs up to this many attempts
    push_max_per_subscription: int = 20  # at most this many items per subscription per run, best first
    push_demand_min_score: float = 0.87  # cosine (multilingual-e5-small) a new patent needs to reach a demand …
    push_demand_min_percentile: float = 99.5  # … and closer to it than this % of the store (lingxi/push/selection.py)
    push_batch_items: int = 20_000  # new items considered per source per run; the rest wait for the next run

    @cached_property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.home / 'lingxi.db'}"

    @property
    def reports_dir(self) -> Path:
        return self.home / "reports"

    @property
    def indexes_dir(self) -> Path:
        """Search indexes (keyword and vector), beside the database; rebuilt from the store when lost."""
        return self.home / "indexes"

    def ensure_home(self) -> None:
        self.home.mkdir(parents=True, exist_ok=True)
        self.reports_dir.mkdir(parents=True, exist_ok=True)


def load_settings(home: Path | None = None) -> Settings:
    if home is not None:
        return Settings(home=home.expanduser().resolve())
    return Settings()
