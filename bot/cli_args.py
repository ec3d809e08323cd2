"""The `expe50` command line: every subcommand declared once, in one table (light: argparse only).

Each `Subcommand` says how its arguments are parsed and which function runs it (`target`, "module:function",
imported only when it runs: a client forwarding to the running bot loads nothing heavy). A function takes
the parsed arguments and a `bot.session.Session` (the open App — its Context, settings and services — plus the
output streams and the client's working directory) and returns the exit code:

    def run_backup(args: argparse.Namespace, session: Session) -> int:
        out = session.path(args.out)          # relative paths are the client's, not the bot's
        ...; print(text("backup.done", path=out), file=session.out); return 0

`routed=True` (the default): when a bot runs on the database, the command runs inside it (through the control
socket) with the same output and exit code; otherwise the CLI opens the database itself. Adding a subcommand
is one entry in SUBCOMMANDS below.
"""

from __future__ import annotations

import argparse
import threading
from collections.abc import Callable, Sequence

_FORMATS = ("md", "csv", "xlsx")


class Subcommand:
    # A plain class, not a dataclass: this module is on the light client's path (dataclasses costs ms).
    def __init__(
        self,
        name: str,
        help: str,
        arguments: Callable[[argparse.ArgumentParser], None],
        target: str,  # "module:function", the function (args, session) -> exit code
        *,
        routed: bool = True,  # run inside the running bot when there is one
        creates_db: bool = True,  # False: a read-only export refuses a database file that does not exist
    ) -> None:
        self.name = name
        self.help = help
        self.arguments = arguments
        self.target = target
        self.routed = routed
        self.creates_db = creates_db


def _run(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--service",
        action="store_true",
        help="sans console, même sans Slack ni boîte aux lettres (systemd)",
    )


def _cmd(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--as", dest="member", metavar="MEMBRE", help="identifiant Slack ou courriel du membre"
    )
    parser.add_argument("--json", action="store_true", help="réponse en un objet JSON")
    parser.add_argument("text", nargs="+", metavar="TEXTE")


def _ask(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="réponse en un objet JSON")
    parser.add_argument("text", nargs="+", metavar="QUESTION")


def _demo(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--no-console", action="store_true", help="charger seulement")


def _export_common(parser: argparse.ArgumentParser, formats: tuple[str, ...]) -> None:
    parser.add_argument("--format", choices=formats, default=None, help="format (d'après --out si absent)")
    parser.add_argument(
        "--out",
        default=None,
        help="fichier à écrire, ou - pour la sortie standard (sans --out : un nom qui dit à qui il est)",
    )


def _report(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("kind", help="initial | suivi-2026 | suivi-2027")
    parser.add_argument("--site", required=True, help="FINESS géographique")
    _export_common(parser, _FORMATS)


def _statement(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--site", required=True, help="FINESS géographique")
    parser.add_argument("--year", required=True, type=int, help="année des soins (versés l'année suivante)")
    _export_common(parser, ("csv", "xlsx"))


def _export_log(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--region", help="région (toutes les régions de la base si absent)")
    _export_common(parser, ("csv", "xlsx"))


def _schedule(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--at", metavar="DATE", help="instant, heure de Paris (ex. 2027-08-02T09:00)")
    parser.add_argument("--send", action="store_true", help="envoyer par les canaux configurés")
    parser.add_argument("--html", action="store_true", help="(digest) afficher aussi la version HTML")


def _import(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", nargs="?", metavar="FICHIER", help="fichier .csv ou .xlsx")
    parser.add_argument("--modele", metavar="FICHIER.xlsx", help="écrire le modèle à remplir, puis quitter")
    parser.add_argument("--site", metavar="FINESS", help="établissement des lignes sans colonne FINESS")
    parser.add_argument("--dry-run", action="store_true", help="vérifier sans rien enregistrer")
    parser.add_argument("--partiel", action="store_true", help="enregistrer les lignes valables")
    parser.add_argument("--json", action="store_true", help="le rapport en un objet JSON")
    parser.add_argument("--as", dest="member", metavar="MEMBRE", help="importer au nom de ce membre")


def _backup(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("dest", metavar="DEST", help="fichier .tar.gz à écrire, ou dossier")


def _restore(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("src", metavar="SAUVEGARDE", help="fichier .tar.gz écrit par expe50 backup")
    parser.add_argument("--force", action="store_true", help="remplacer une base existante (mise de côté)")


def _repair(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--oui", action="store_true", help="ne pas demander de confirmation (scripts)")


def _status(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="l'état en un objet JSON")


SUBCOMMANDS: tuple[Subcommand, ...] = (
    Subcommand("run", "démarrer le bot (la console si aucun canal n'est configuré)", _run,
               "bot.cli_commands:run_bot", routed=False),
    Subcommand("cmd", "exécuter une commande /expe50", _cmd, "bot.cli_commands:run_cmd"),
    Subcommand("ask", "poser une question", _ask, "bot.cli_commands:run_ask"),
    Subcommand("demo", "charger une région fictive puis ouvrir la console", _demo,
               "bot.cli_commands:run_demo", routed=False),
    Subcommand("report", "brouillon d'un rapport d'évaluation (md, csv, xlsx)", _report,
               "bot.cli_report:run_report", creates_db=False),
    Subcommand("statement", "relevé annuel des forfaits d'un site (csv, xlsx)", _statement,
               "bot.cli_report:run_statement", creates_db=False),
    Subcommand("export-log", "journal complet d'une région pour l'ARS (csv, xlsx)", _export_log,
               "bot.cli_report:run_export_log", creates_db=False),
    Subcommand("reminders", "lister (ou envoyer) les rappels dus à un instant", _schedule,
               "bot.cli_schedule:run_reminders"),
    Subcommand("digest", "afficher (ou envoyer) la synthèse hebdomadaire ARS", _schedule,
               "bot.cli_schedule:run_digest"),
    Subcommand("import", "importer un fichier CSV ou XLSX (adressages, administrations, fins)", _import,
               "bot.cli_import:run_import"),
    Subcommand("backup", "sauvegarder la base en un fichier (même bot en marche)", _backup,
               "bot.cli_safety:run_backup", creates_db=False),
    Subcommand("restore", "vérifier une sauvegarde et la restaurer (base arrêtée)", _restore,
               "bot.cli_safety:run_restore", routed=False),
    Subcommand("repair", "reconstruire un journal d'audit perdu ou tronqué (base arrêtée)", _repair,
               "bot.cli_safety:run_repair", routed=False),
    Subcommand("status", "état du bot en marche : canaux, boîte, envois, planification, base", _status,
               "bot.cli_status:run_status", creates_db=False),
)  # fmt: skip

BY_NAME = {sub.name: sub for sub in SUBCOMMANDS}


class ParseError(Exception):
    """A command line the parser refuses (only raised by a parser built with `raising=True`)."""


class _RaisingParser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        # What argparse would print before exiting with 2: the usage of the (sub)command, then the error.
        raise ParseError(f"{self.format_usage()}{self.prog}: error: {message}\n")


_SHARED: argparse.ArgumentParser | None = None
_SHARED_LOCK = threading.Lock()


def parse_forwarded(argv: Sequence[str]) -> argparse.Namespace:
    """Parse a forwarded command line in the bot, with one parser built once (building one costs ~50 ms of
    gettext look-ups). Raises ParseError with argparse's own text."""
    global _SHARED
    with _SHARED_LOCK:
        if _SHARED is None:
            _SHARED = parser(raising=True)
        if any(word in ("-h", "--help") for word in argv):
            raise ParseError("")
        return _SHARED.parse_args(list(argv))


def quick_route(argv: Sequence[str]) -> tuple[Subcommand, str | None] | None:
    """Without building the parser: the subcommand of a command line and its --db, when the line can be
    forwarded as it is (the bot parses it, and reports a malformed one in argparse's words). None when the
    line needs the local parser: help, no subcommand, an unknown one."""
    db: str | None = None
    words = list(argv)
    index = 0
    action: Subcommand | None = None
    while index < len(words):
        word = words[index]
        if word in ("-h", "--help"):
            return None
        if word == "--db" and index + 1 < len(words):
            db = words[index + 1]
            index += 2
            continue
        if word.startswith("--db="):
            db = word.removeprefix("--db=")
        elif action is None and not word.startswith("-"):
            action = BY_NAME.get(word)
            if action is None:
                return None
        elif word == "--":
            break
        index += 1
    return (action, db) if action is not None else None


def parser(*, raising: bool = False) -> argparse.ArgumentParser:
    """The `expe50` parser. `raising`: errors raise ParseError instead of printing and exiting (the bot's
    side of the control socket must never exit)."""
    cls = _RaisingParser if raising else argparse.ArgumentParser
    common = cls(add_help=False)
    common.add_argument(
        "--db",
        metavar="PATH",
        # SUPPRESS: a sub-command's own default must not erase a --db given before the sub-command.
        default=argparse.SUPPRESS,
        help="fichier de la base (sinon EXPE50_DB, sinon data/expe50.json)",
    )
    top = cls(prog="expe50", description="Assistant de l'expérimentation article 50", parents=[common])
    names = ",".join(sub.name for sub in SUBCOMMANDS)
    commands = top.add_subparsers(dest="action", required=True, metavar=f"{{{names}}}", parser_class=cls)
    for sub in SUBCOMMANDS:
        sub.arguments(commands.add_parser(sub.name, parents=[common], help=sub.help))
    return top
