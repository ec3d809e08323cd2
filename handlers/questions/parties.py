"""A named establishment's or HAD's own state put to the test: « le CH de Dieppe a-t-il bien transmis son
rapport ? », « l'HAD Littoral Normand est-elle bien titulaire de la mention ? », « on m'a dit que l'HAD du
Pays d'Auge a la mention, c'est bien ça ? ».

The rules say what is required (the mention, the selection, the report); whether one named party has it is
its file, which only an agent sees. A rule told as a « Oui, à condition que … » to such a question reads as a
confirmation, so the reply is a hand-over with the rule as context.

The party is read from the text as typed: a kind of establishment followed by a capitalised name (case is
the only sign of a proper name), or « cette HAD » when the message names one. Every pattern is a plain
alternation over words: linear in the text.
"""

from __future__ import annotations

import re

from handlers.questions.normalize import strip_accents

# What the party is (« le CH de … », « l'HAD … », « la polyclinique du … »), then the words that may stand
# between it and its capitalised name.
_KINDS = (
    r"(?i:HAD|CHU|CHR|CHI|CHG|CH|CLCC|GH|GHT|ESPIC|h[oô]pital|clinique|polyclinique|institut|"
    r"centre hospitalier(?: universitaire| r[eé]gional| intercommunal)?|"
    # (« Centre-Val de Loire » is a region, not a centre named « Val »)
    r"centre(?![\s-]+val\b)|[eé]tablissement|site)"
)
_LINKS = r"(?i:\s+(?:de\s+la|du|des|de|la|le|les|priv[eé]e?|public|publique|universitaire))*"
# A capitalised word (a letter of any script in capitals, then letters, apostrophes or hyphens), after a space
# or an elided article (« de l'Estuaire »): « CHU » is a kind, not « CH » named « U ».
_NAME = r"(?:\s+(?:de\s+l'|d'|l')?|\s*(?<=')\s*)[A-ZÀ-ÖØ-Þ][\w'’-]*"
_NAMED = re.compile(rf"\b{_KINDS}\b{_LINKS}{_NAME}")
# « cette HAD », « cet établissement », « ce CH »: the party named elsewhere in the message.
_THIS = re.compile(rf"\b(?:cette|cet|ce)\s+{_KINDS}\b", re.IGNORECASE)
_FINESS = re.compile(r"\b\d{9}\b")

# The party's state put to the test: « bien » on its verb, or a hearsay checked (« on m'a dit que …, c'est
# bien ça ? »), or an indirect question (« confirmer si … », « vérifier que … »).
_CHECKED = re.compile(
    r"\b(?:est|a|sont|ont|figure|figurent|fait|detient|possede|dispose|couvre|couvrent|intervient)"
    r"(?:[\s-]+t)?(?:[\s-]+(?:il|elle|ils|elles))?"
    r"\s+(?:deja\s+|toujours\s+)?bien\b|\bc'?\s*est\s+bien\s+(?:ca|cela|vrai|exact|juste)\b|"
    r"\b(?:vrai|exact)\s*\?",
    re.IGNORECASE,
)
_INDIRECT = re.compile(r"\b(?:confirmer|verifier|savoir|dire)\s+(?:si|que|qu')", re.IGNORECASE)
# What a party has or has done that its file holds.
_STATE = re.compile(
    r"\b(?:mention|arrete|liste|retenue?s?|selectionnee?s?|transmis|envoye|depose|remis|signe|titulaire|"
    r"autorisee?s?|autorisation|habilitee?s?|convention(?:ne|nee)?|commune|zone|secteur)\b",
    re.IGNORECASE,
)
# « si l'HAD X a bien la mention, on peut l'adresser ? » supposes the state, it does not ask it.
_SUPPOSED = re.compile(
    r"(?:^|[\s,;:(])(?:si|s'|meme\s+si|quand)\s*(?:l'|le\s+|la\s+|les\s+|notre\s+|votre\s+)?$", re.IGNORECASE
)
_SENTENCES = re.compile(r"[^.?!\n]+[.?!]*")


def asks_party_state(question: str) -> bool:
    """Whether a sentence of the message asks whether one named establishment or HAD has a state its file
    holds (a mention, a place on the list, a report sent, a convention signed)."""
    text = strip_accents(question).replace("’", "'")
    named_in_message = bool(_NAMED.search(text) or _FINESS.search(text))
    for match in _SENTENCES.finditer(text):
        sentence = match.group(0)
        party = _NAMED.search(sentence)
        if party is None and named_in_message:
            party = _THIS.search(sentence)
        if party is None:
            continue
        before, after = sentence[: party.start()], sentence[party.end() :]
        indirect = _INDIRECT.search(before) is not None
        if _SUPPOSED.search(before) and not indirect:
            continue
        # A statement (« nos échanges avec l'HAD X sont bien avancés ») is context, not a question.
        checked = (_CHECKED.search(after) is not None and sentence.rstrip().endswith("?")) or indirect
        if checked and _STATE.search(after):
            return True
    return False
