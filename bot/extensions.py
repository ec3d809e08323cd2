"""The modules that declare settings (bot.config.register) and channels (bot.runtime.register_channel).

Imported once before the settings are read. Other areas add one import line here for their module.
"""

# Mail first: its outbox starter must run before the scheduler's, which looks the outbox up at start.
import bot.mail.extension  # mail: settings, outbox worker, mailbox watcher

# isort: split
import bot.cli_schedule  # scheduler: settings and its always-on channel
import bot.slack.extension  # noqa: F401  (Slack: settings and the channel starter)
