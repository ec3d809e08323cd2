"""The ARS mailbox channel and the mailer.

- `watcher`: IMAP IDLE on the shared mailbox (imapclient, in a thread), reconnecting with backoff;
- `processor`: one message -> decode, dedup, loop/spam guard, rules, then a reply in the outbox or a
  hand-over to the agents;
- `outbox` + `smtp`: the worker that sends what `store.outbox` holds (for every producer: replies,
  `repondre`, the scheduler's reminders and digests);
- `desk`: the agents' side (`/expe50 repondre`); `settings` + `extension`: plugged into `expe50 run`.
"""
