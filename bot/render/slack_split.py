"""Next steps in Slack, however many: a few as buttons, many (a patient each, in an entry reminder) as
selects of up to 100 options, 25 selects to an actions block, so every one stays reachable. Choosing an
option does what its button would: open the form, prefilled, or run the command.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from bot.render.slack import PICK_ACTION, action_button, plain, with_form
from bot.render.slack_blocks import Block
from handlers.reply import Action
from templates import text

MAX_OPTIONS = 100  # a static select
MAX_SELECTS_PER_BLOCK = 25  # elements of an actions block
MAX_DIRECT_BUTTONS = 5  # more next steps than this become selects (a wall of buttons is unreadable)
MAX_OPTION_VALUE = 150
MAX_OPTION_TEXT = 75
MAX_PLACEHOLDER = 150
FORM_PREFIX = "form:"


def next_steps(actions: Sequence[Action], forms: Collection[str] = ()) -> list[Block]:
    if not actions:
        return []
    if len(actions) <= MAX_DIRECT_BUTTONS:
        buttons = [action_button(with_form(a, forms), i) for i, a in enumerate(actions)]
        return [{"type": "actions", "block_id": "actions", "elements": buttons}]
    selects: list[Block] = []
    for number, start in enumerate(range(0, len(actions), MAX_OPTIONS)):
        chunk = actions[start : start + MAX_OPTIONS]
        placeholder = text("slack.pick.placeholder", first=chunk[0].label, last=chunk[-1].label)
        selects.append(
            {
                "type": "static_select",
                "action_id": f"{PICK_ACTION}.{number}",
                "placeholder": plain(placeholder, MAX_PLACEHOLDER),
                "options": [
                    {"text": plain(a.label, MAX_OPTION_TEXT), "value": pick_value(with_form(a, forms))}
                    for a in chunk
                ],
            }
        )
    return [
        {
            "type": "actions",
            "block_id": f"picks.{n}",
            "elements": selects[start : start + MAX_SELECTS_PER_BLOCK],
        }
        for n, start in enumerate(range(0, len(selects), MAX_SELECTS_PER_BLOCK))
    ]


def pick_value(action: Action) -> str:
    """An option's value: the command, prefixed when it opens a form. A value holds 150 characters; the
    bot's own commands (verb, patient code, month, FINESS) are far shorter, and a longer one is an error
    of the bot, not something to cut."""
    value = f"{FORM_PREFIX}{action.command}" if action.form else action.command
    if len(value) > MAX_OPTION_VALUE:
        raise ValueError("a next step's command is too long for a select option")
    return value


def read_pick(value: str) -> tuple[bool, str]:
    """(opens a form, the command) of a chosen option's value."""
    if value.startswith(FORM_PREFIX):
        return True, value.removeprefix(FORM_PREFIX)
    return False, value
