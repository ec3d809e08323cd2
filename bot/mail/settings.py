"""The mailbox and mailer settings, parsed together (a section of bot.config): IMAP_*, SMTP_* (with
SMTP_CA_FILE), MAIL_FROM, EXPE50_ARS_CHANNEL, MAIL_DAILY_REPLY_LIMIT, MAIL_MAX_BYTES,
MAIL_CHOICE_DAYS.

SMTP alone (with MAIL_FROM) enables the outbox worker — the scheduler's reminders and digests need it; IMAP
on top enables the ARS mailbox watcher, which needs SMTP to answer. A half-configured mailbox is a start-up
error naming the missing variable, never a silent half-working bot.
"""

from __future__ import annotations

import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from email.utils import parseaddr
from typing import cast

from bot.mail.smtp import Security, SmtpSettings
from bot.mail.watcher import ImapSettings
from bot.setting import Setting, parse_bool, parse_int, parse_port, parse_text

SETTINGS = (
    Setting(
        "IMAP_HOST",
        parse_text,
        None,
        "Boîte aux lettres de l'ARS : serveur IMAP (vide = pas de boîte surveillée)",
        example="imap.ars.example.fr",
    ),
    Setting(
        "IMAP_PORT", parse_port, 993, "Boîte aux lettres : port IMAP (993 en SSL, 143 sinon)", example="993"
    ),
    Setting(
        "IMAP_USER", parse_text, None, "Boîte aux lettres : identifiant IMAP", example="expe50@ars.example.fr"
    ),
    Setting(
        "IMAP_PASSWORD", parse_text, None, "Boîte aux lettres : mot de passe IMAP", secret=True, example="…"
    ),
    Setting(
        "IMAP_SSL", parse_bool, True, "Boîte aux lettres : connexion IMAP chiffrée (SSL)", example="true"
    ),
    Setting("IMAP_FOLDER", parse_text, "INBOX", "Boîte aux lettres : dossier surveillé", example="INBOX"),
    Setting(
        "SMTP_HOST",
        parse_text,
        None,
        "Envoi des courriels : serveur SMTP (réponses, rappels, récapitulatifs)",
        example="smtp.ars.example.fr",
    ),
    Setting(
        "SMTP_PORT",
        parse_port,
        587,
        "Envoi des courriels : port SMTP (587 starttls, 465 ssl, 25 none)",
        example="587",
    ),
    Setting(
        "SMTP_USER",
        parse_text,
        None,
        "Envoi des courriels : identifiant SMTP (vide = sans authentification)",
        example="expe50@ars.example.fr",
    ),
    Setting(
        "SMTP_PASSWORD", parse_text, None, "Envoi des courriels : mot de passe SMTP", secret=True, example="…"
    ),
    Setting(
        "SMTP_SECURITY",
        parse_text,
        "starttls",
        "Envoi des courriels : ssl, starttls ou none",
        example="starttls",
    ),
    Setting(
        "SMTP_CA_FILE",
        parse_text,
        None,
        "Envoi des courriels : certificats (PEM) de l'autorité interne qui signe le serveur SMTP"
        " (vide = autorités du système)",
        example="/etc/ssl/certs/ac-interne-ars.pem",
    ),
    Setting(
        "MAIL_FROM",
        parse_text,
        None,
        "Adresse d'expédition des courriels du bot (celle de la boîte de l'ARS)",
        example="ARS Normandie — Expé 50 <expe50@ars.example.fr>",
    ),
    Setting(
        "EXPE50_ARS_CHANNEL",
        parse_text,
        None,
        "Slack : canal des agents de l'ARS, où arrivent les questions transmises (facultatif)",
        example="C0123456789",
    ),
    Setting(
        "MAIL_DAILY_REPLY_LIMIT",
        parse_int,
        3,
        "Boîte aux lettres : réponses automatiques au plus par expéditeur et par jour",
        example="3",
    ),
    Setting(
        "MAIL_MAX_BYTES",
        parse_int,
        1_000_000,
        "Boîte aux lettres : taille lue au plus par message (les pièces jointes sont ignorées)",
        example="1000000",
    ),
    Setting(
        "MAIL_CHOICE_DAYS",
        parse_int,
        14,
        "Boîte aux lettres : jours pendant lesquels on peut répondre par un numéro à « Vouliez-vous dire »",
        example="14",
    ),
)


@dataclass(frozen=True)
class MailSettings:
    smtp: SmtpSettings
    mail_from: str
    imap: ImapSettings | None
    ars_channel: str | None = None
    daily_limit: int = 3
    max_bytes: int = 1_000_000
    choice_days: int = 14


def _value(env: Mapping[str, str], setting: Setting) -> object:
    raw = env.get(setting.name, "")
    if raw.strip() == "":
        return setting.default
    try:
        return setting.parse(raw)
    except ValueError as error:
        raise ValueError(f"{setting.name} : {error}") from None


def mail_settings_from_env(env: Mapping[str, str]) -> MailSettings | None:
    """The mail settings, or None when neither SMTP nor IMAP is configured. Raises ValueError naming the
    variable first (bot.config turns it into a start-up error)."""
    values = {setting.name: _value(env, setting) for setting in SETTINGS}
    if not values["SMTP_HOST"] and not values["IMAP_HOST"]:
        return None
    if not values["SMTP_HOST"]:
        raise ValueError("SMTP_HOST : la boîte IMAP est configurée mais pas le serveur SMTP pour répondre")
    mail_from = str(values["MAIL_FROM"] or "")
    if "@" not in parseaddr(mail_from)[1]:
        raise ValueError(
            "MAIL_FROM : une adresse de courriel est attendue, par exemple expe50@ars.example.fr"
        )
    security = str(values["SMTP_SECURITY"]).lower()
    if security not in ("ssl", "starttls", "none"):
        raise ValueError("SMTP_SECURITY : ssl, starttls ou none est attendu")
    smtp = SmtpSettings(
        host=str(values["SMTP_HOST"]),
        port=cast(int, values["SMTP_PORT"]),
        security=cast(Security, security),
        user=cast(str | None, values["SMTP_USER"]) or None,
        password=cast(str | None, values["SMTP_PASSWORD"]) or None,
        ca_file=cast(str | None, values["SMTP_CA_FILE"]) or None,
    )
    if smtp.ca_file is not None:
        try:
            smtp.tls_context()
        except (OSError, ssl.SSLError) as error:
            raise ValueError(
                f"SMTP_CA_FILE : fichier de certificats illisible ({smtp.ca_file} : {error})"
            ) from None
    imap = None
    if values["IMAP_HOST"]:
        for name in ("IMAP_USER", "IMAP_PASSWORD"):
            if not values[name]:
                raise ValueError(f"{name} : obligatoire quand IMAP_HOST est renseigné")
        imap = ImapSettings(
            host=str(values["IMAP_HOST"]),
            port=cast(int, values["IMAP_PORT"]),
            user=str(values["IMAP_USER"]),
            password=str(values["IMAP_PASSWORD"]),
            ssl=bool(values["IMAP_SSL"]),
            folder=str(values["IMAP_FOLDER"]),
        )
    limit = cast(int, values["MAIL_DAILY_REPLY_LIMIT"])
    max_bytes = cast(int, values["MAIL_MAX_BYTES"])
    if limit < 0:
        raise ValueError("MAIL_DAILY_REPLY_LIMIT : un nombre positif ou nul est attendu")
    if max_bytes < 10_000:
        raise ValueError("MAIL_MAX_BYTES : au moins 10000 octets")
    choice_days = cast(int, values["MAIL_CHOICE_DAYS"])
    if not 1 <= choice_days <= 365:
        raise ValueError("MAIL_CHOICE_DAYS : un nombre de jours entre 1 et 365 est attendu")
    return MailSettings(
        smtp=smtp,
        mail_from=mail_from,
        imap=imap,
        ars_channel=cast(str | None, values["EXPE50_ARS_CHANNEL"]) or None,
        daily_limit=limit,
        max_bytes=max_bytes,
        choice_days=choice_days,
    )
