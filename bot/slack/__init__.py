"""The Slack channel: `/expe50`, its buttons and modals, and App Home, over slack-bolt.

Public API: `build_app(settings, backend)` (the Bolt app), `SlackHTTPServer` (HTTP mode), `start_slack`
(what `expe50 run` calls: Socket Mode when an app token is set, HTTP otherwise) and `slack_settings_from_env`.
"""

from bot.slack.app import build_app, build_bare_app
from bot.slack.backend import Choice, SlackBackend
from bot.slack.runner import SlackChannel, start_slack
from bot.slack.server import SlackHTTPServer
from bot.slack.settings import SlackSettings, SlackSettingsError, slack_settings_from_env

__all__ = [
    "Choice",
    "SlackBackend",
    "SlackChannel",
    "SlackHTTPServer",
    "SlackSettings",
    "SlackSettingsError",
    "build_app",
    "build_bare_app",
    "slack_settings_from_env",
    "start_slack",
]
