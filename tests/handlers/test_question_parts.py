"""A message asking several things: each part answered under its own question, with its own sources; a part
the rules cannot settle is handed over without dropping the others."""

from __future__ import annotations

from handlers.questions import answer_question, split_questions
from handlers.reply import Status
from tests.support.question_probe import DEFAULT_NOW, plain

MAIL = (
    "Bonjour,\n\nNous avons plusieurs questions. "
    "Le forfait mensuel est-il versé pour un mois sans injection ?\n"
    "Et combien de temps dure l'expérimentation ? Quelle est la TVA applicable sur ces forfaits ?\n\n"
    "Cordialement,\nMme Martin"
)


def test_a_message_is_split_into_its_questions_with_their_context() -> None:
    parts = split_questions(
        "Nous avons un patient. Quel est le montant ? Et quand faut-il envoyer le rapport ?"
    )
    assert parts == [
        "Nous avons un patient. Quel est le montant ?",
        "Nous avons un patient. Et quand faut-il envoyer le rapport ?",
    ]
    assert split_questions("le forfait mensuel c'est combien ?") == ["le forfait mensuel c'est combien ?"]
    # A follow-up too short to stand alone keeps the message whole.
    assert len(split_questions("le dossier se dépose comment ? par mail ?")) == 1


def test_each_part_is_answered_and_the_unsettled_one_handed_over() -> None:
    reply = answer_question(MAIL, DEFAULT_NOW)
    said = plain("\n".join(reply.body))
    assert reply.status == Status.WARNING and reply.needs_human
    assert "aucun forfait mensuel" in said  # part 1
    assert "3 ans" in said  # part 2
    assert "« quelle est la tva applicable sur ces forfaits ? » : je ne peux pas trancher" in said
    assert reply.data["unanswered_parts"] == ["Quelle est la TVA applicable sur ces forfaits ?"]
    # Each part's answer sits under its question, in the order asked.
    assert (
        said.index("mois sans injection ? »") < said.index("aucun forfait") < said.index("combien de temps")
    )
    assert reply.reasons  # the parts' sources travel with the reply


def test_two_answered_questions_keep_their_order_and_both_answers() -> None:
    reply = answer_question(
        "Quel est le montant du forfait d'inclusion ? Et quand faut-il envoyer le rapport initial ?",
        DEFAULT_NOW,
    )
    said = plain("\n".join(reply.body))
    assert reply.status == Status.OK
    assert said.index("320,00") < said.index("en octobre 2025")
