"""Plugs the Slack channel into the bot: its settings (for `.env.example` and start-up checks) and its starter
for `expe50 run`. Imported from bot/extensions.py."""

from __future__ import annotations

from bot.config import Setting, Settings, parse_port, parse_text, register, register_section
from bot.runtime import ChannelStarter, register_channel
from bot.slack.backend import HandlersBackend
from bot.slack.runner import SlackChannel, start_slack
from bot.slack.settings import DEFAULT_HTTP_HOST, DEFAULT_HTTP_PORT, SlackSettings, slack_settings_from_env
from handlers.context import Context

for setting in (
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
):  # fmt: skip
    register(setting)

register_section("slack", slack_settings_from_env)


def _enabled(settings: Settings) -> bool:
    return settings.section("slack") is not None


def _start(ctx: Context, settings: Settings) -> SlackChannel:
    slack: SlackSettings = settings.section("slack")
    channel = start_slack(slack, HandlersBackend(ctx), clock=settings.now)
    ctx.extras["slack_client"] = channel.app.client  # for other channels' posts (mail hand-overs, scheduler)
    return channel


register_channel(ChannelStarter("slack", enabled=_enabled, start=_start))
