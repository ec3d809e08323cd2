"""What Slack refuses in a payload: the strict half of the fake Web API (tests/support/slack_api.py).

Two layers, as Slack has them: slack_sdk's own models (`Block.parse` + `validate_json`, `View.validate_json`:
the limits the SDK knows), then a walk of the raw JSON for the documented limits the models do not check
on nested elements (button text, option counts, ids, empty texts, unique ids…). Sources:
https://api.slack.com/reference/block-kit/blocks, …/block-elements, …/composition-objects,
https://api.slack.com/reference/surfaces/views, https://api.slack.com/methods/chat.postMessage (text).

`problems(...)` returns the list of what is wrong (empty when Slack would accept the payload); the fake
answers `invalid_blocks` (messages) or `invalid_arguments` (views) when it is not empty.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

MESSAGE_BLOCKS = 50
VIEW_BLOCKS = 100
TEXT_MAX = 40_000  # chat.postMessage: longer text is refused (msg_too_long)
TEXT_WARN = 4_000  # Slack truncates the display of a longer `text` and advises blocks instead
SECTION_TEXT = 3000
FIELDS = 10
FIELD_TEXT = 2000
HEADER_TEXT = 150
CONTEXT_ELEMENTS = 10
ACTIONS_ELEMENTS = 25
BUTTON_TEXT = 75
BUTTON_VALUE = 2000
ID_MAX = 255
SELECT_OPTIONS = 100
OPTION_TEXT = 75
OPTION_VALUE = 150
OVERFLOW_OPTIONS = (1, 5)
PLACEHOLDER = 150
LABEL = 2000
VIEW_TITLE = 24
PRIVATE_METADATA = 3000
CALLBACK_ID = 255
INPUT_MAX_LENGTH = 3000

_MESSAGE_BLOCK_TYPES = {"section", "header", "context", "actions", "divider", "image", "rich_text", "input",
                        "file", "video", "markdown"}  # fmt: skip
_SELECTS = {"static_select", "multi_static_select", "external_select", "multi_external_select",
            "users_select", "conversations_select", "channels_select", "multi_users_select"}  # fmt: skip


def message_problems(text: Any, blocks: Any) -> list[str]:
    """A chat.postMessage / chat.update / response_url payload."""
    found: list[str] = []
    if not blocks and not text:
        return ["no_text: a message needs text or blocks"]
    if text is not None and not isinstance(text, str):
        found.append("text is not a string")
    elif text and len(text) > TEXT_MAX:
        found.append(f"text of {len(text)} characters > {TEXT_MAX}")
    if blocks is None:
        return found
    if not isinstance(blocks, list):
        return [*found, "blocks is not a list"]
    if len(blocks) > MESSAGE_BLOCKS:
        found.append(f"{len(blocks)} blocks > {MESSAGE_BLOCKS}")
    for block in blocks:
        if isinstance(block, dict) and block.get("type") not in _MESSAGE_BLOCK_TYPES:
            found.append(f"block type {block.get('type')!r} not allowed in a message")
    found.extend(_blocks_problems(blocks))
    return found


def view_problems(view: Any) -> list[str]:
    """A views.open / views.push / views.update / views.publish payload."""
    if not isinstance(view, dict):
        return ["view is not an object"]
    found: list[str] = []
    kind = view.get("type")
    if kind not in ("modal", "home"):
        found.append(f"view type {kind!r}")
    blocks = view.get("blocks")
    if not isinstance(blocks, list) or not blocks:
        return [*found, "a view needs blocks"]
    if len(blocks) > VIEW_BLOCKS:
        found.append(f"{len(blocks)} blocks > {VIEW_BLOCKS}")
    if kind == "modal":
        title = view.get("title") or {}
        found.extend(_text_problems(title, "title", VIEW_TITLE, plain_only=True))
        for key in ("submit", "close"):
            if key in view:
                found.extend(_text_problems(view[key], key, VIEW_TITLE, plain_only=True))
        if any(b.get("type") == "input" for b in blocks if isinstance(b, dict)) and "submit" not in view:
            found.append("a modal with inputs needs a submit button")
    metadata = view.get("private_metadata")
    if metadata is not None and len(str(metadata)) > PRIVATE_METADATA:
        found.append(f"private_metadata of {len(str(metadata))} characters > {PRIVATE_METADATA}")
    for key in ("callback_id", "external_id"):
        if len(str(view.get(key) or "")) > CALLBACK_ID:
            found.append(f"{key} longer than {CALLBACK_ID}")
    try:
        View(**{k: v for k, v in view.items() if k in _VIEW_KEYS}).validate_json()
    except (SlackObjectFormationError, TypeError, ValueError, KeyError) as error:
        found.append(f"slack_sdk View: {error}")
    found.extend(_blocks_problems(blocks))
    return found


_VIEW_KEYS = {"type", "id", "callback_id", "external_id", "team_id", "bot_id", "app_id", "root_view_id",
              "previous_view_id", "title", "submit", "close", "blocks", "private_metadata", "state", "hash",
              "clear_on_close", "notify_on_close"}  # fmt: skip


def _blocks_problems(blocks: list[Any]) -> list[str]:
    found: list[str] = []
    block_ids: set[str] = set()
    action_ids: set[str] = set()
    for index, raw in enumerate(blocks):
        where = f"blocks[{index}]"
        if not isinstance(raw, dict):
            found.append(f"{where} is not an object")
            continue
        try:
            model = Block.parse(raw)
        except (SlackObjectFormationError, TypeError, ValueError, KeyError) as error:
            found.append(f"{where}: slack_sdk cannot parse it: {error}")
            continue
        if model is None:
            found.append(f"{where}: unknown block type {raw.get('type')!r}")
            continue
        try:
            model.validate_json()
        except SlackObjectFormationError as error:
            found.append(f"{where} ({raw.get('type')}): {error}")
        block_id = raw.get("block_id")
        if block_id is not None:
            if not isinstance(block_id, str) or not block_id or len(block_id) > ID_MAX:
                found.append(f"{where}: block_id empty or longer than {ID_MAX}")
            elif block_id in block_ids:
                found.append(f"{where}: duplicate block_id {block_id!r}")
            block_ids.add(str(block_id))
        found.extend(f"{where}: {p}" for p in _block_problems(raw))
        for element in _elements(raw):
            action_id = element.get("action_id")
            if action_id is None:
                continue
            if not isinstance(action_id, str) or not action_id or len(action_id) > ID_MAX:
                found.append(f"{where}: action_id empty or longer than {ID_MAX}")
            elif action_id in action_ids and raw.get("type") != "input":
                # Inputs in different blocks may share an action id (their block ids tell them apart).
                found.append(f"{where}: duplicate action_id {action_id!r}")
            action_ids.add(str(action_id))
            found.extend(f"{where}: {p}" for p in _element_problems(element))
    return found


def _elements(block: dict[str, Any]) -> Iterator[dict[str, Any]]:
    if isinstance(block.get("accessory"), dict):
        yield block["accessory"]
    if isinstance(block.get("element"), dict):
        yield block["element"]
    if block.get("type") == "actions":
        yield from (e for e in block.get("elements") or [] if isinstance(e, dict))


def _block_problems(block: dict[str, Any]) -> list[str]:
    kind = block.get("type")
    found: list[str] = []
    if kind == "section":
        if "text" not in block and "fields" not in block:
            found.append("a section needs text or fields")
        if "text" in block:
            found.extend(_text_problems(block["text"], "section text", SECTION_TEXT))
        fields = block.get("fields")
        if fields is not None:
            if not isinstance(fields, list) or not 1 <= len(fields) <= FIELDS:
                found.append(f"a section holds 1 to {FIELDS} fields")
            for field in fields or []:
                found.extend(_text_problems(field, "field", FIELD_TEXT))
    elif kind == "header":
        found.extend(_text_problems(block.get("text"), "header", HEADER_TEXT, plain_only=True))
    elif kind == "context":
        elements = block.get("elements") or []
        if not 1 <= len(elements) <= CONTEXT_ELEMENTS:
            found.append(f"a context holds 1 to {CONTEXT_ELEMENTS} elements")
        for element in elements:
            if isinstance(element, dict) and element.get("type") in ("plain_text", "mrkdwn"):
                found.extend(_text_problems(element, "context text", SECTION_TEXT))
    elif kind == "actions":
        elements = block.get("elements") or []
        if not 1 <= len(elements) <= ACTIONS_ELEMENTS:
            found.append(f"an actions block holds 1 to {ACTIONS_ELEMENTS} elements")
    elif kind == "input":
        found.extend(_text_problems(block.get("label"), "label", LABEL, plain_only=True))
        if "hint" in block:
            found.extend(_text_problems(block["hint"], "hint", LABEL, plain_only=True))
        if not isinstance(block.get("element"), dict):
            found.append("an input needs an element")
    return found


def _element_problems(element: dict[str, Any]) -> list[str]:
    kind = element.get("type")
    found: list[str] = []
    if kind == "button":
        found.extend(_text_problems(element.get("text"), "button text", BUTTON_TEXT, plain_only=True))
        if len(str(element.get("value") or "")) > BUTTON_VALUE:
            found.append(f"button value longer than {BUTTON_VALUE}")
        if element.get("style") not in (None, "primary", "danger"):
            found.append("button style")
    elif kind in _SELECTS or kind == "overflow":
        if "placeholder" in element:
            found.extend(_text_problems(element["placeholder"], "placeholder", PLACEHOLDER, plain_only=True))
        options = _options(element)
        if kind in ("static_select", "multi_static_select"):
            if "options" in element and "option_groups" in element:
                found.append("options and option_groups together")
            if not 1 <= len(options) <= SELECT_OPTIONS and "option_groups" not in element:
                found.append(f"a static select holds 1 to {SELECT_OPTIONS} options, not {len(options)}")
        if kind == "overflow" and not OVERFLOW_OPTIONS[0] <= len(options) <= OVERFLOW_OPTIONS[1]:
            found.append(f"an overflow holds {OVERFLOW_OPTIONS[0]} to {OVERFLOW_OPTIONS[1]} options")
        values = [o.get("value") for o in options]
        for option in options:
            found.extend(_text_problems(option.get("text"), "option text", OPTION_TEXT))
            value = option.get("value")
            if not isinstance(value, str) or not value or len(value) > OPTION_VALUE:
                found.append(f"option value empty or longer than {OPTION_VALUE}")
        initial = element.get("initial_option")
        if initial is not None and kind != "external_select" and initial.get("value") not in values:
            found.append("initial_option is not one of the options")
        query_length = element.get("min_query_length", 0)
        if kind == "external_select" and (not isinstance(query_length, int) or query_length < 0):
            found.append("min_query_length")
    elif kind == "plain_text_input":
        max_length = element.get("max_length", INPUT_MAX_LENGTH)
        if not isinstance(max_length, int) or not 1 <= max_length <= INPUT_MAX_LENGTH:
            found.append("plain_text_input max_length")
        elif len(str(element.get("initial_value") or "")) > max_length:
            found.append("initial_value longer than max_length")
    elif kind == "datepicker":
        initial = element.get("initial_date")
        if initial is not None and (not isinstance(initial, str) or len(initial) != 10):
            found.append("initial_date must read YYYY-MM-DD")
    return found


def _options(element: dict[str, Any]) -> list[dict[str, Any]]:
    options = [o for o in element.get("options") or [] if isinstance(o, dict)]
    for group in element.get("option_groups") or []:
        options.extend(o for o in group.get("options") or [] if isinstance(o, dict))
    return options


def options_problems(payload: Any) -> list[str]:
    """The answer to a block_suggestion (an external select's options load): at most 100 options."""
    if not isinstance(payload, dict):
        return ["options answer is not an object"]
    options = _options(payload)
    found = []
    if len(options) > SELECT_OPTIONS:
        found.append(f"{len(options)} options > {SELECT_OPTIONS}")
    for option in options:
        found.extend(_text_problems(option.get("text"), "option text", OPTION_TEXT))
        value = option.get("value")
        if not isinstance(value, str) or not value or len(value) > OPTION_VALUE:
            found.append(f"option value empty or longer than {OPTION_VALUE}")
    return found


def _text_problems(obj: Any, what: str, limit: int, *, plain_only: bool = False) -> list[str]:
    if not isinstance(obj, dict):
        return [f"{what} is not a text object"]
    kind = obj.get("type")
    if kind not in ("plain_text", "mrkdwn") or (plain_only and kind != "plain_text"):
        return [f"{what} has type {kind!r}"]
    value = obj.get("text")
    if not isinstance(value, str) or not value:
        return [f"{what} is empty"]
    if len(value) > limit:
        return [f"{what} of {len(value)} characters > {limit}"]
    return []
