"""Decoding pins: every message shape yields the question the person wrote, without quoted history,
signatures, attachments or anything looking like a NIR; malformed messages never raise."""

from __future__ import annotations

from email.message import EmailMessage
from pathlib import Path

import pytest

from handlers.mail_message import IncomingMail, html_to_text, parse, strip_history

CORPUS = Path(__file__).parent / "corpus"


def _mail(body: str, subject: str = "Question", html: str | None = None, **headers: str) -> bytes:
    message = EmailMessage()
    message["From"] = headers.pop("from_", "Dr Martin <martin@ch-rouen.fr>")
    message["To"] = "ars@test.local"
    message["Subject"] = subject
    message["Message-ID"] = headers.pop("message_id", "<q1@ch-rouen.fr>")
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(body)
    if html is not None:
        message.add_alternative(html, subtype="html")
    return message.as_bytes()


def test_plain_question_keeps_the_question_only() -> None:
    mail = parse(_mail("Bonjour,\n\nQuel montant pour le mois d'inclusion ?\n\nCordialement,\nDr Martin\n"))
    assert mail.question == "Quel montant pour le mois d'inclusion ?"
    assert mail.message_id == "<q1@ch-rouen.fr>"
    assert mail.sender == "martin@ch-rouen.fr"


def test_french_reply_history_and_quotes_are_removed() -> None:
    body = (
        "Et pour le forfait mensuel ?\n\n"
        "Le lun. 3 mars 2025 à 10:12, ARS <ars@test.local> a\nécrit :\n"
        "> Le forfait d'inclusion est de 320 €.\n> Cordialement\n"
    )
    assert parse(_mail(body)).body == "Et pour le forfait mensuel ?"


def test_outlook_header_block_and_original_message_are_removed() -> None:
    outlook = (
        "Combien d'établissements par région ?\n\nDe : ARS <ars@test.local>\nEnvoyé : lundi 3 mars\nÀ : moi\n"
    )
    assert parse(_mail(outlook)).body == "Combien d'établissements par région ?"
    original = "Question suivante ici svp\n-----Original Message-----\nFrom: x\nold text\n"
    assert parse(_mail(original)).body == "Question suivante ici svp"


def test_signature_after_dash_dash_is_removed() -> None:
    assert strip_history("La question ?\n-- \nDr Martin\nCH Rouen\n") == "La question ?"


def test_html_only_body_becomes_text_without_quoted_blocks() -> None:
    html = (
        "<html><head><style>p{}</style></head><body><p>Bonjour,</p><p>L'exp&eacute;rimentation se termine "
        "quand&nbsp;?</p><div class='gmail_quote'>Le 1 mars, X a écrit :<blockquote>vieux</blockquote></div>"
        "</body></html>"
    )
    message = EmailMessage()
    message["From"] = "a@ch.fr"
    message["Subject"] = "fin"
    message.set_content(html, subtype="html")
    mail = parse(message.as_bytes())
    assert mail.question == "L'expérimentation se termine quand ?"
    assert "vieux" not in mail.body


def test_quoted_printable_latin1_is_decoded() -> None:
    raw = (
        b"From: a@ch.fr\r\nSubject: =?iso-8859-1?q?Dur=E9e?=\r\nMessage-ID: <x@y>\r\n"
        b"Content-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
        b"Quelle est la dur=E9e de l'exp=E9rimentation ?\r\n"
    )
    mail = parse(raw)
    assert mail.subject == "Durée"
    assert mail.question == "Quelle est la durée de l'expérimentation ?"


def test_subject_is_the_question_when_the_body_says_nothing() -> None:
    mail = parse(_mail("Bonjour,\nvoir objet\nMerci", subject="RE: Montant du forfait mensuel ?"))
    assert mail.question.startswith("Montant du forfait mensuel ?")


def test_nir_is_masked_everywhere() -> None:
    mail = parse(
        _mail("Le patient 1 85 05 76 123 456 78 est-il éligible ?", subject="patient 185057612345678")
    )
    assert mail.redacted
    assert mail.identifier == "nir"
    assert mail.body == mail.question == ""
    for text in (mail.body, mail.question, mail.subject, *(value for _, value in mail.headers)):
        assert "123 456" not in text and "185057612345678" not in text


def test_attachments_are_counted_not_decoded() -> None:
    message = EmailMessage()
    message["From"] = "a@ch.fr"
    message["Subject"] = "pj"
    message.set_content("Voici le bilan, quel montant pour le mois d'inclusion ?")
    message.add_attachment(b"%PDF-1.4 secret", maintype="application", subtype="pdf", filename="bilan.pdf")
    mail = parse(message.as_bytes())
    assert mail.attachments == 1
    assert "PDF" not in mail.body


def test_missing_message_id_gets_a_stable_header_hash() -> None:
    raw = b"From: a@ch.fr\r\nSubject: s\r\n\r\nbody\r\n"
    assert parse(raw).message_id == parse(raw).message_id
    assert parse(raw).message_id != parse(raw.replace(b"Subject: s", b"Subject: t")).message_id


def test_huge_message_is_cut_at_the_cap() -> None:
    raw = _mail("Quel montant ?\n" + "bla " * 100_000)
    mail = parse(raw, max_bytes=10_000)
    assert mail.truncated
    assert mail.question.startswith("Quel montant ?")


def test_threading_references_are_kept() -> None:
    mail = parse(_mail("suite ?", In_Reply_To="<a@x>", References="<root@x> <a@x>"))
    assert mail.references == ("<root@x>", "<a@x>")


def test_html_to_text_stops_at_outlook_reply_block() -> None:
    html = "<div>Nouvelle question ?</div><div id='divRplyFwdMsg'><b>De :</b> ARS</div><p>ancien</p>"
    assert html_to_text(html) == "Nouvelle question ?"


@pytest.mark.parametrize("path", sorted(CORPUS.glob("*.eml")), ids=lambda path: path.name)
def test_malformed_corpus_never_raises(path: Path) -> None:
    mail = parse(path.read_bytes(), max_bytes=50_000)
    assert isinstance(mail, IncomingMail)
    assert mail.message_id.startswith("<")
    for name, value in mail.headers:
        assert "\r" not in value and "\n" not in value and "\x00" not in value
        assert "\n" not in name
    assert "\n" not in mail.subject


def test_name_with_birth_date_drops_the_text() -> None:
    mail = parse(_mail("Mme Dupont née le 12/03/1956 peut-elle être incluse ?"))
    assert mail.identifier == "name_and_birth_date"
    assert "Dupont" not in mail.body + mail.question
