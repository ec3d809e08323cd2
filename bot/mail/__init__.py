"""The ARS mailbox channel and the mailer.

- `watcher`: IMAP IDLE on the shared mailbox (imapclient, in a thread), reconnecting with backoff;
- `processor`: one message -> decode, dedup, loop/spam guard, rules, then a reply in the outbox or a
  hand-over to the agents;
- `outbox` + `smtp`: the worker that sends what `store.outbox` holds (for every producer: replies,
  `repondre`, the scheduler's reminders and digests);
- `settings`: the mail section of the settings. The agents' side (`repondre`) is bot/desk.py; bot/app.py
  builds and starts all of it.
"""
