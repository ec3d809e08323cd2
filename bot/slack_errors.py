"""What a failed Slack call says, fit for a log line: Slack's error code (`not_in_channel`,
`invalid_blocks`, `expired_trigger_id`…) or, for anything else, the exception's type — never its message,
which may quote the payload (a member's text) or a token."""

from __future__ import annotations


def slack_error_code(error: Exception) -> str:
    response = getattr(error, "response", None)
    try:
        return str(response["error"]) if response is not None else type(error).__name__
    except (KeyError, TypeError):
        return type(error).__name__
