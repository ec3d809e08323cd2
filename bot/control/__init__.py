"""The control channel: `expe50 run` serves local clients on a Unix socket beside the database.

- `protocol`: framing (4-byte length + JSON), size limits, the socket's path (stdlib only: the client
  imports it before deciding whether to load the bot at all);
- `client`: what `expe50 cmd …` runs first — forward the command line to the running bot, or say "no bot";
- `server`: the bot's side — one thread per client, each request run by `bot.cli_commands` against the live
  App, its output captured and sent back with the exit code.
"""
