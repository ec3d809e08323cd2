"""Every command module, imported once so that its commands register themselves (handlers/registry.py).

Other areas add their commands by adding one import line here.
"""

from handlers.commands import (  # noqa: F401
    calendar,
    care,
    courriels,
    eligibility,
    entries,
    help,
    importing,
    members,
    question,
    rapport,
    reading,
    repondre,
    setup,
    setup_lists,
)
