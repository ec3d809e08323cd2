"""The database layout the domain repository writes: table names and the schema version.

The version is stored by the engine; a file written by a newer (unknown) version refuses to load rather than
guess. Other stores (outbox, mail, reports) add their own tables to the same database under their own names.
"""

from __future__ import annotations

SCHEMA_VERSION = 1

SITES = "sites"
HADS = "hads"
CONVENTIONS = "conventions"
MEMBERS = "members"
PATIENTS = "patients"
REFERRALS = "referrals"
ADMINISTRATIONS = "administrations"
ENDS = "ends"
DELIVERIES = "deliveries"  # delivery ids already handled (Slack retries, email Message-IDs)

# Room for later issues: they own these tables and the modules that write them.
OUTBOX = "outbox"
MAIL_SEEN = "mail_seen"

DOMAIN_TABLES = (SITES, HADS, CONVENTIONS, MEMBERS, PATIENTS, REFERRALS, ADMINISTRATIONS, ENDS, DELIVERIES)
