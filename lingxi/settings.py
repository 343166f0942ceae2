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
    # text generation (abstract rewriting, translation): an OpenAI-compatible endpoint; off unless a URL is set
    generation_url: str | None = None
    generation_model: str | None = None
    generation_api_key: str | None = None
    generation_timeout: float = 60.0

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
