"""The text of a slash command as Slack sends it with `should_escape: true` (slack-manifest.yaml), made
back into what the member typed.

With escaping on, Slack turns a mention into `<@U123ABC|jean.dupont>`, an email address into
`<mailto:a@b.fr|a@b.fr>`, a link into `<https://…|label>`, `@here` into `<!here>`, and the characters
`&`, `<`, `>` the member typed into `&amp;`, `&lt;`, `&gt;`. Mentions keep their stable id only (`<@U123ABC>`,
which `membre ajouter` reads; the label is a display name that may hold spaces); everything else becomes its
visible text. One pass, linear in the text.
"""

from __future__ import annotations

import re

_SPECIAL = re.compile(r"<([@#!][^<>|]*|mailto:[^<>|]*|https?://[^<>|]*)(?:\|([^<>]*))?>")
_ENTITIES = {"&lt;": "<", "&gt;": ">", "&amp;": "&"}


def from_slack(text: str) -> str:
    def visible(match: re.Match[str]) -> str:
        target, label = match.group(1), match.group(2)
        if target.startswith("@"):
            return f"<{target}>"  # a user: its id, the label dropped
        if target.startswith("#"):
            return f"#{label}" if label else target
        if target.startswith("!"):
            name = target[1:].split("^", 1)[0]
            return label if label else f"@{name}"
        if target.startswith("mailto:"):
            return label or target.removeprefix("mailto:")
        return label or target

    unwrapped = _SPECIAL.sub(visible, text)
    return re.sub(r"&(?:lt|gt|amp);", lambda m: _ENTITIES[m.group(0)], unwrapped)
