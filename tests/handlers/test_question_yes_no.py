"""A yes/no question is answered « Oui » or « Non » first, the way it was asked (the rule said after), and a
value told in passing (a route, a pronoun standing for the HAD) is read as the question uses it."""

from __future__ import annotations

import pytest

from handlers.questions import answer_question
from tests.support.question_probe import DEFAULT_NOW, plain


@pytest.mark.parametrize(
    ("question", "opening"),
    [
        # Per month, not per session: asked whether it is per session, no; whether one forfait, yes.
        ("si 2 injections dans le meme mois ca fait 2 forfaits ?", "non :"),
        ("c bien 115 € par seance le forfait ?", "non :"),
        ("3 perfusions en mars, on a un seul forfait ?", "oui :"),  # the route told is not the question
        ("le forfait est bien par mois et pas par seance ?", "oui :"),
        # Who is paid, the HAD named by a pronoun or with an object pronoun before the verb.
        ("l'HAD me dit que c'est elle qui touche le forfait, c'est vrai ?", "non :"),
        ("le forfait d'inclusion c'est l'HAD qui le facture ?", "non :"),
        # Article 51: the HAS's silence is a refusal; a project may last longer than three years.
        ("pour un art 51 si la HAS ne repond pas dans les 2 mois c'est un accord tacite ?", "non :"),
        ("un projet art 51 ca peut durer plus longtemps que l'expe 50 ?", "oui :"),
        # A child under 3: not excluded, but not with any HAD.
        ("un enfant de 20 mois est-il exclu de l'experimentation ?", "non :"),
        ("bebe de 20 mois, n'importe quelle HAD partenaire peut le prendre ?", "non :"),
        # A month told against the end of the experiment.
        ("on peut encore inclure des nouveaux patients en janvier 2028 ?", "oui :"),
        ("patient encore traite en mars 2028, on touche le forfait ?", "non :"),
        # « c'est de l'immuno, pas de la chimio »: a contrast, the scope is still asked.
        ("pembro en sc a dom, ca rentre ds l expe ? c de l immuno pas de la chimio", "oui :"),
    ],
)
def test_a_yes_no_question_opens_with_its_answer(question: str, opening: str) -> None:
    reply = answer_question(question, DEFAULT_NOW)
    said = [plain(line) for line in reply.body]
    assert any(line.startswith(opening) for line in said), said
    other = "oui :" if opening == "non :" else "non :"
    assert not any(line.startswith(other) for line in said), said


def test_a_supposed_monthly_amount_recomputes_the_cap_and_the_case_told_is_no_premise() -> None:
    """« Notre tarif HDJ est de 410 € … Si le mensuel était ramené à 100 €, l'inclusion pourrait-elle rester à
    320 € ? »: 3 × 100 € = 300 €, no; the 410 € of the case told is not checked against the cap."""
    reply = answer_question(
        "Notre tarif d'HDJ est de 410 €. Si le forfait mensuel était un jour ramené à 100 €, le forfait "
        "d'inclusion pourrait-il rester à 320 € ?",
        DEFAULT_NOW,
    )
    said = plain("\n".join(reply.body))
    assert said.startswith("non : avec un forfait mensuel de 100,00 €") and "300,00 €" in said
    assert "410" not in said


def test_a_region_named_gives_no_still_open_verdict_to_another_yes_no_question() -> None:
    reply = answer_question(
        "Objet : Candidature AMI – calendrier Île-de-France\n\nBonjour,\n\nNotre établissement (ESPIC) "
        "envisage de répondre à l'AMI article 50.\nQuelle est la date limite de dépôt en Île-de-France ? Par "
        "ailleurs, un collègue m'assure que seuls 10 établissements seront retenus pour toute la France : "
        "est-ce exact ?\n\nCordialement",
        DEFAULT_NOW.replace(year=2025, month=5, day=27),
    )
    assert "il est encore temps" not in plain("\n".join(reply.body))
