"""Settings from the environment (prefix ZHAOSHANG_) and an optional .env file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Final, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from workflow.policy_file import DEFAULT_POLICY_PATH

WECOM_REQUIRED: Final = (
    "wecom_corp_id",
    "wecom_agent_id",
    "wecom_secret",
    "wecom_token",
    "wecom_aes_key",
)
"""The settings the WeCom app needs; setting any of them runs WeCom."""


class Settings(BaseSettings):
    """One deployment's settings; secrets never appear in logs or reprs."""

    model_config = SettingsConfigDict(
        env_prefix="ZHAOSHANG_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    bot_token: SecretStr | None = None
    database_url: str = "sqlite:///zhaoshang.db"
    api_base_url: str = "https://api.telegram.org"
    runtime: Literal["ptb", "aiogram", "wecom"] = "ptb"
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = Field(8443, ge=1, le=65535)
    # The Mini App: served in the bot's process on web_listen:web_port when web_url (the
    # public HTTPS address Telegram opens) is set; initData older than web_auth_max_age
    # seconds is refused.
    web_url: str | None = None
    web_listen: str = "127.0.0.1"
    web_port: int = Field(8080, ge=1, le=65535)
    web_auth_max_age: int = Field(86400, ge=60, le=30 * 86400)
    web_script_url: str = "https://telegram.org/js/telegram-web-app.js"
    policy_file: Path = DEFAULT_POLICY_PATH
    # WeCom (企业微信): the self-built app (自建应用) of runtime "wecom". Its callback URL
    # (接收消息服务器) is served on web_listen:wecom_port at /wecom.
    wecom_corp_id: str | None = None
    wecom_agent_id: int | None = None
    wecom_secret: SecretStr | None = None
    wecom_token: SecretStr | None = None
    wecom_aes_key: SecretStr | None = None  # the EncodingAESKey, 43 characters
    wecom_api_base_url: str = "https://qyapi.weixin.qq.com"
    wecom_port: int = Field(8081, ge=1, le=65535)
    # Uploads are kept in the database unless a files folder is set (content-addressed there).
    files_dir: Path | None = None
    # The elected process writes a backup here daily and keeps the newest `backup_keep`.
    backup_dir: Path | None = None
    backup_keep: int = Field(7, ge=1, le=1000)
    # The office's own edited copies of the Word templates; a file missing here is taken from
    # the packaged templates/documents/.
    documents_dir: Path | None = None
    # Each Word document is followed by its PDF, made by LibreOffice: the program `soffice`
    # names (a path, or a name on PATH), else soffice or libreoffice found on PATH.
    pdf_copies: bool = True
    soffice: str | None = None
    timezone: str = "Asia/Shanghai"
    default_locale: Literal["zh-Hans", "en"] = "zh-Hans"
    admins: Annotated[list[str], NoDecode] = Field(default_factory=list)
    sweep_seconds: float = Field(60.0, gt=0, le=3600)  # how often deadlines are looked at
    # Telegram's overall limit for this bot: 30 a second, up to 1000 with paid broadcasts.
    broadcast_per_second: int = Field(30, ge=1, le=1000)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = "INFO"
    log_format: Literal["text", "json"] = "text"  # json: one object per line

    def messengers(self) -> tuple[str, ...]:
        """The messengers this deployment runs, from the settings present: Telegram with a
        bot token (and when nothing else is set, so its missing token is what gets named),
        WeCom with any WeCom app setting; runtime "wecom" runs WeCom alone."""
        wecom = self.runtime == "wecom" or any(
            getattr(self, name) not in (None, "") for name in WECOM_REQUIRED
        )
        telegram = self.runtime != "wecom" and (self.bot_token is not None or not wecom)
        return (("telegram",) if telegram else ()) + (("wecom",) if wecom else ())

    @field_validator("admins", mode="before")
    @classmethod
    def _split_admins(cls, value: object) -> object:
        """Telegram ids, and WeCom UserIDs as "wecom:UserID" (kept in lower case, as WeCom
        matches them)."""
        if isinstance(value, int):
            value = str(value)
        parts = value.replace(";", ",").split(",") if isinstance(value, str) else value
        if not isinstance(parts, list):
            return value
        out = []
        for part in (str(p).strip() for p in parts):
            head, sep, userid = part.partition(":")
            if sep and head.lower() == "wecom":
                part = f"wecom:{userid.strip().lower()}" if userid.strip() else ""
            if part:
                out.append(part)
        return out

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper_level(cls, value: object) -> object:
        return value.strip().upper() if isinstance(value, str) else value

    @field_validator("log_format", mode="before")
    @classmethod
    def _lower_format(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value
