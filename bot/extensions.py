"""The modules that declare settings (bot.config.register) and channels (bot.runtime.register_channel).

Imported once before the settings are read. Other areas add one import line here for their module.
"""

import bot.cli_schedule  # scheduler: settings and its always-on channel
import bot.slack.extension  # noqa: F401  (Slack: settings and the channel starter)
