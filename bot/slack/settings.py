"""The Slack settings, read once from the environment (or .env) at start-up.

Slack is on when both SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET are set; Socket Mode when SLACK_APP_TOKEN is
set too, otherwise HTTP on EXPE50_HTTP_HOST:EXPE50_HTTP_PORT at /slack/events. A malformed value is a start-up
error naming the variable. The secrets are kept out of repr() so that no log line can print them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from bot.setting import Setting, parse_port, parse_text

DEFAULT_HTTP_PORT = 3000
DEFAULT_HTTP_HOST = "0.0.0.0"  # Slack must reach the bot; tests bind 127.0.0.1
EVENTS_PATH = "/slack/events"

SETTINGS = (
    Setting("SLACK_BOT_TOKEN", parse_text, None,
            "Slack : jeton du bot (OAuth & Permissions → Bot User OAuth Token) ; avec SLACK_SIGNING_SECRET, "
            "active Slack", secret=True, example="xoxb-…"),
    Setting("SLACK_SIGNING_SECRET", parse_text, None,
            "Slack : secret de signature (Basic Information → App Credentials → Signing Secret)",
            secret=True, example="…"),
    Setting("SLACK_APP_TOKEN", parse_text, None,
            "Slack : jeton d'application (connections:write) pour le Socket Mode, sans adresse publique ; "
            "vide = mode HTTP", secret=True, example="xapp-…"),
    Setting("SLACK_API_URL", parse_text, None,
            "Slack : adresse de l'API Web (vide = celle de Slack ; essais : un serveur local)",
            example="http://127.0.0.1:8089/api/"),
    Setting("EXPE50_HTTP_HOST", parse_text, DEFAULT_HTTP_HOST,
            "Mode HTTP : adresse d'écoute des événements Slack (/slack/events)", example=DEFAULT_HTTP_HOST),
    Setting("EXPE50_HTTP_PORT", parse_port, DEFAULT_HTTP_PORT,
            "Mode HTTP : port d'écoute des événements Slack (/slack/events)", example=str(DEFAULT_HTTP_PORT)),
)  # fmt: skip


class SlackSettingsError(ValueError):
    """A Slack setting is missing or malformed; the (French) message starts with the variable, never its
    value."""


@dataclass(frozen=True)
class SlackSettings:
    bot_token: str = field(repr=False)
    signing_secret: str = field(repr=False)
    app_token: str | None = field(default=None, repr=False)
    api_url: str | None = None  # the Web API base URL; None = Slack's own
    http_host: str = DEFAULT_HTTP_HOST
    http_port: int = DEFAULT_HTTP_PORT

    @property
    def socket_mode(self) -> bool:
        return self.app_token is not None

    @property
    def secrets(self) -> tuple[str, ...]:
        """Every secret value, so that logs and replies can be checked (and scrubbed) against them."""
        return tuple(s for s in (self.bot_token, self.signing_secret, self.app_token) if s)


def slack_settings_from_env(env: Mapping[str, str]) -> SlackSettings | None:
    """The Slack settings, or None when Slack is not configured (both tokens absent)."""
    bot_token = env.get("SLACK_BOT_TOKEN", "").strip()
    signing_secret = env.get("SLACK_SIGNING_SECRET", "").strip()
    if not bot_token and not signing_secret:
        return None
    if not bot_token:
        raise SlackSettingsError(
            "SLACK_BOT_TOKEN manque alors que SLACK_SIGNING_SECRET est défini : donnez les deux, ou aucun"
        )
    if not signing_secret:
        raise SlackSettingsError(
            "SLACK_SIGNING_SECRET manque alors que SLACK_BOT_TOKEN est défini : donnez les deux, ou aucun"
        )
    if not bot_token.startswith("xoxb-"):
        raise SlackSettingsError("SLACK_BOT_TOKEN doit être un jeton de bot, qui commence par « xoxb- »")
    app_token = env.get("SLACK_APP_TOKEN", "").strip() or None
    if app_token is not None and not app_token.startswith("xapp-"):
        raise SlackSettingsError(
            "SLACK_APP_TOKEN doit être un jeton d'application, qui commence par « xapp- »"
        )
    api_url = env.get("SLACK_API_URL", "").strip() or None
    if api_url is not None:
        if not api_url.startswith(("http://", "https://")):
            raise SlackSettingsError("SLACK_API_URL doit être une adresse http:// ou https://")
        api_url = api_url if api_url.endswith("/") else api_url + "/"  # slack_sdk joins method names onto it
    return SlackSettings(
        bot_token=bot_token,
        signing_secret=signing_secret,
        app_token=app_token,
        api_url=api_url,
        http_host=env.get("EXPE50_HTTP_HOST", "").strip() or DEFAULT_HTTP_HOST,
        http_port=_port(env.get("EXPE50_HTTP_PORT", "").strip()),
    )


def _port(raw: str) -> int:
    if not raw:
        return DEFAULT_HTTP_PORT
    if not raw.isdigit() or not 0 <= int(raw) < 65536:
        raise SlackSettingsError(
            "EXPE50_HTTP_PORT doit être un port entre 1 et 65535 (0 : un port libre quelconque)"
        )
    return int(raw)
