"""From normalised tokens to what the question is about, and how sure we are.

The decision is deliberately cautious: a wrong confident answer is the worst outcome, so a question is
answered only when one topic family scores clearly, nothing out of scope is asked, and the words we do not
understand are few compared with what we recognised.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

from handlers.questions import lemmas
from handlers.questions.normalize import Normalized, normalize
from handlers.questions.slots import MONTH_WORDS, Slots, find_slots
from handlers.questions.topics import (
    GLOSSARY_TOKENS,
    NEUTRAL_WORDS,
    Cue,
    Family,
    Intent,
    bot_usage_score,
    bot_words,
    command_namings,
    command_words,
    compile_cues,
    compiled_against,
    compiled_definition_cues,
    compiled_markers,
    compiled_out_of_scope,
    compiled_out_of_scope_anywhere,
    compiled_topics,
    intents,
    matches,
    ordinary,
    prefixes,
    score,
    topic_by_id,
    vocabulary,
)

if TYPE_CHECKING:
    from rules.parameters import Parameters

# Below this score nothing is answered; between it and CONFIDENT the best guesses are offered to a human.
ANSWER_THRESHOLD = 2.0
# A topic that supersedes another drops it only when it scored at least this share of the other's score.
SUPERSEDE_SHARE = 0.6
CONTEXT_AGAINST_SHARE = 0.5  # how much an `against` cue found only in the context sentences counts
SUGGEST_THRESHOLD = 1.0
INTENT_BONUS = 0.4
# A secondary topic is answered too when it scores at least this share of the best one.
SECONDARY_SHARE = 0.7
# A best topic matched many times over (« l'expé a déjà commencé ? et elle se termine quand ? » gives the
# start 5.4) does not push out a second one matched well on its own (the end, 3.4): the share is of a capped
# best.
SECONDARY_CAP = 4.5
MAX_TOPICS = 3
# Each word of the question we cannot place lowers what the best score must reach.
UNKNOWN_WORD_PENALTY = 1.8
# Below ANSWER_THRESHOLD, a topic is still answered when every word is understood and it scores at least
# DOMINANT_FLOOR and DOMINANCE times the runner-up.
DOMINANT_FLOOR = 1.5
DOMINANCE = 2.0
STRONG_CUE = 1.5
# How far above the answer threshold the dominant topic must be for one unknown word to be tolerated.
UNKNOWN_TOLERANCE_MARGIN = 0.5


@dataclass(frozen=True)
class Analysis:
    question: str  # the text analysed (already extracted from the message)
    normalized: Normalized
    asked: Normalized  # the asked sentences alone (`focus`), normalised as the question is
    family: Family
    scores: dict[str, float]
    hits: dict[str, list[str]]
    topics: tuple[str, ...]  # the topics to answer, best first (empty when nothing is answered)
    suggestions: tuple[str, ...]  # best guesses when not confident
    out_of_scope: tuple[str, ...]  # the out-of-scope cues found
    unknown_words: tuple[str, ...]
    intents: frozenset[Intent]
    slots: Slots
    confidence: float
    mixed_families: bool = False
    about_bot: bool = False  # the question is about using the bot (the bot's entries were scored)
    # The words of a value the question ends on (« combien max ? 15 ? »): it asks yes or no on that value.
    guess: tuple[str, ...] = ()
    # The words of a clause that states a value as granted (« vu que le forfait c'est 115 € par séance, … »):
    # an open question built on it is still told when the value is wrong.
    granted: tuple[str, ...] = ()
    own_data: bool = False  # asks about the establishment's own figures (data, not rules)
    notes: dict[str, object] = field(default_factory=dict)


# A sentence ends on its mark, on a blank line, or where a list item starts; a single line break inside a
# sentence is an email's wrapping (« le transport en VSL est-il pris en\ncharge … ? » is one question).
_SENTENCE_END = re.compile(r"(?<=[.?!])\s+|\n[ \t]*\n\s*|\n(?=[ \t]*(?:[-•*–]|\d{1,2}[.)])[ \t])")


def sentences(text: str) -> list[str]:
    return [s for s in _SENTENCE_END.split(text) if s.strip()]


# A question told without its « ? » in so many words (« notre hématologue souhaite savoir si … », « je vous
# demande de me confirmer si … »): asked, even beside a subject line that ends on « ? ».
_TOLD_QUESTION = re.compile(
    r"\b(?:savoir|demander?|demandons|demande|confirmer|preciser|préciser|indiquer)\s+"
    r"(?:si|s'il|s il|s'ils|quel(?:le)?s?|combien|comment|pourquoi|quand)\b",
    re.IGNORECASE,
)


_SUBJECT = re.compile(r"\A\s*(?:objet|subject|sujet)\s*:", re.IGNORECASE)


def focus(text: str) -> str:
    """The sentences that ask something: those with a '?'; when only the subject line has one, the body's
    sentences that tell a question in so many words too; else all."""
    parts = sentences(text)
    asked = [s for s in parts if "?" in s]
    if all(_SUBJECT.match(s) for s in asked):
        asked = [s for s in parts if "?" in s or _TOLD_QUESTION.search(s)]
    return " ".join(asked) if asked else text


# A sentence without « ? » that still reports a question (« un établissement nous demande quel montant il a
# touché. Pouvez-vous vérifier ? »).
_REPORTED_QUESTION = re.compile(
    r"\b(?:quel(?:le)?s?|combien|comment|pourquoi|savoir|demand\w*|v[ée]rifi\w*|confirm\w*|si)\b",
    re.IGNORECASE,
)


def _asked_or_reported(text: str) -> str:
    """The sentences that ask or report a question; the statements that tell a case are context."""
    parts = sentences(text)
    asked = [s for s in parts if "?" in s or _REPORTED_QUESTION.search(s)]
    return " ".join(asked) if asked else text


_COMPARED_51 = re.compile(
    r"\b(?:comme|contrairement a|a l instar d|par rapport a)(?: pour| dans?| en| avec| a| aux?)?"
    r"(?: l| le| un| une| les| des| du| de| certains?| certaines?)? (?:article|projet|experimentation)s?"
    r"(?: de l| d)?(?: article)? 51\b"
)


@lru_cache(maxsize=8)
def question_words(params: Parameters) -> frozenset[str]:
    """The words a question is normalised towards (lexicons, months, the regions' names)."""
    return frozenset(vocabulary() | set(MONTH_WORDS) | {"mar"} | _region_words(params))


def analyse(
    question: str, params: Parameters, in_bot_message: bool = False, frame: Family | None = None
) -> Analysis:
    """What `question` is about. `in_bot_message`: it is a part of a message about using the bot; `frame`:
    the frame (article 50 or 51) of the message it is a part of."""
    vocab = question_words(params)
    # A proper name ("le CH de Lisieux") is never bent into a lexicon word ("lieu").
    everyday = ordinary() | frozenset(proper_names(focus(question)))
    # A word naming a command (« courriels ») is never bent into a lexicon word (« courrier »): it is read as
    # written, and still unknown to a legal question (it is not added to `everyday`).
    kept = everyday | command_words()
    norm = normalize(question, vocab, kept)
    tokens = norm.tokens
    asked = normalize(focus(question), vocab, kept)
    focus_tokens = asked.tokens
    slots = find_slots(tokens, params)
    found_intents = frozenset(intents(tokens))

    # "nos forfaits passent-ils par le FISS comme pour l'article 51 ?": article 51 named only as the thing
    # compared with asks about article 50.
    compared = tuple(_COMPARED_51.sub(" ", norm.text).split())
    art51, _ = score(compiled_markers("art51"), compared)
    art50, _ = score(compiled_markers("art50"), tokens)
    mentions_50 = "article 50" in norm.text or "lfss 2024" in norm.text
    # Naming article 51 makes it an article 51 question; naming both asks how they differ.
    # "le 50 et le 51 c'est pareil ?": both named by number, as articles, asks how they differ.
    both_by_number = art51 >= 2.0 and re.search(r"\b(?:le|du|au) 50\b", norm.text) is not None
    family: Family = (
        "art51" if art51 >= 3.0 or (art51 >= 2.0 and art51 > art50) or both_by_number else "art50"
    )
    if frame is not None and art51 < 2.0 and art50 < 2.0 and not mentions_50:
        # « Pour l'article 51 : 1. … ? 2. le silence du comité vaut-il refus ? »: a part that names no frame
        # is in the message's.
        family = frame
    mixed = family == "art51" and (mentions_50 or art50 >= 2.0)

    # « dans le bot », « la commande … », « saisir »: a question about using the bot. Only then are the bot's
    # entries (one per command) scored: a legal question is never captured by a command.
    usage = bot_usage_score(tokens)
    about_bot = family == "art50" and (in_bot_message or usage >= BOT_USAGE_FLOOR)
    scores: dict[str, float] = {}
    hits: dict[str, list[str]] = {}
    strong: set[str] = set()  # topics matched by at least one strong cue
    present = frozenset(tokens)
    against = compiled_against(params)
    for topic_id, cues in compiled_topics(params).items():
        topic = topic_by_id()[topic_id]
        if topic.family != family and not (topic.family == "bot" and about_bot):
            continue
        value, matched = score(cues, tokens)
        if value <= 0:
            continue
        # A word against a topic counts fully in what is asked, half in the case told before it (« nous avons
        # transmis le rapport initial. Quelle est notre prochaine échéance ? »).
        asked_minus, _ = score(against[topic_id], focus_tokens)
        whole_minus, _ = score(against[topic_id], tokens)
        value -= asked_minus + CONTEXT_AGAINST_SHARE * max(0.0, whole_minus - asked_minus)
        if any(cue.weight >= STRONG_CUE and matches(cue, tokens, present) for cue in cues):
            strong.add(topic_id)
        if found_intents & set(topic.intents):
            value += INTENT_BONUS
        scores[topic_id] = value
        hits[topic_id] = matched
    _slot_bonuses(scores, slots, family, found_intents)
    if about_bot:
        # A word that names a command and nothing legal (« stop les rappels », « en tableau ») names that
        # command, even when it is an everyday word its entry weighs as a word of the help.
        for word in set(tokens):
            for topic_id in command_namings().get(word, ()):
                if topic_id in scores:
                    scores[topic_id] += NAMING_BONUS
    if family == "art51":
        # Naming article 51 is itself a question about it: the definition is the floor answer.
        # (only when no more precise article 51 topic is found).
        if max((v for k, v in scores.items() if k != "art51_definition"), default=0.0) < ANSWER_THRESHOLD:
            scores["art51_definition"] = scores.get("art51_definition", 0.0) + art51
        if mixed:
            # A question that mixes the two frames gets told that they are distinct, first.
            scores["art51_difference"] = max(scores.values(), default=0.0) + 1.0

    oos_score, oos_hits = _out_of_scope(focus_tokens, scores, hits)
    anywhere, anywhere_hits = score(compiled_out_of_scope_anywhere(), tokens)
    oos_score, oos_hits = oos_score + anywhere, oos_hits + anywhere_hits
    if oos_hits and _only_in_asides(question, oos_hits, vocab, everyday):
        # « pt en pause thérapeutique tout février (toxicité), on touche qd même ? »: a clinical word told in
        # brackets gives the reason of the case; the question outside the brackets is the one asked.
        oos_score, oos_hits = 0.0, []
    names = proper_names(focus(question))
    # An acronym we do not know ("un GCS peut-il candidater ?") names a subject as surely as a long word.
    acronyms = {fold_word for fold_word in _acronyms(focus(question)) if fold_word not in vocab}
    unknown = tuple(
        dict.fromkeys(
            t
            for t in focus_tokens
            if (len(t) >= 4 or t in acronyms)
            and not t.isdigit()
            and t not in vocab
            and t not in everyday
            and not _prefix_known(t)
            and t not in names
            and not t.startswith("[")
        )
    )

    # Forms of common verbs ("encaissera", "alloué") say what is done, not what about (lemmas.py).
    unknown = tuple(t for t in unknown if t in acronyms or not lemmas.everyday_form(t))
    # An aside in brackets (« (Tecartus) », « (chgt de DIM) ») adds detail to a question already asked: a
    # word we cannot place there (a drug's brand name not in our list) does not sink it.
    aside = _aside_words(focus(question), vocab, everyday)
    unknown = tuple(t for t in unknown if t not in aside)
    if about_bot:
        # The words of the commands (« annulation », « tarifs ») are understood in a question about the bot.
        known, stems = bot_words()
        unknown = tuple(t for t in unknown if t not in known and not t.startswith(stems))
    if family == "art50":
        _glossary_bonus(scores, tokens, vocab)
    # Only what is asked: « un patient a été adressé en mai 2025. Ouvre-t-il droit … ? » tells a case
    # (context) and asks a rule; « avons-nous été retenus ? » asks data.
    asked_text = normalize(_asked_or_reported(question), vocab, everyday).text
    own_data = _asks_own_data(asked_text) or (
        re.search(r"\bpourquoi\b", asked_text) is not None and _NOT_RECEIVED.search(norm.text) is not None
    )
    ranked = sorted(scores.items(), key=lambda item: -item[1])
    if about_bot:
        # The bot's entries are ranked first and decide alone whether the question is answered; a legal
        # entry that scores as well may follow them (« le NIR dans la saisie ? »: the identifiers rule).
        # A written how-to that scored (« corriger une saisie ») speaks before the command it names.
        own = sorted(
            ((k, v) for k, v in ranked if topic_by_id()[k].family == "bot"),
            key=lambda item: (not (topic_by_id()[item[0]].written and item[1] >= ANSWER_THRESHOLD), -item[1]),
        )
        ranked = own + [(k, v) for k, v in ranked if (k, v) not in own]
        best = max((v for _, v in own), default=0.0)
        second = sorted((v for _, v in own), reverse=True)[1] if len(own) > 1 else 0.0
    else:
        best = ranked[0][1] if ranked else 0.0
        second = ranked[1][1] if len(ranked) > 1 else 0.0
    extra_unknown = max(0, len(unknown) - _tolerated(len(focus_tokens)))
    needed = ANSWER_THRESHOLD + UNKNOWN_WORD_PENALTY * extra_unknown
    # A short question whose every word we understand, with one topic far ahead of any other, is answered
    # even if it names its subject with a single cue ("sur quoi porte l'évaluation ?").
    pointed = found_intents & {"amount", "date", "who", "count"}
    if (
        not unknown
        and ranked
        and pointed <= set(topic_by_id()[ranked[0][0]].intents)
        and ranked[0][0] in strong
        and best >= DOMINANT_FLOOR
        and best >= DOMINANCE * second
    ):
        needed = min(needed, best)
    # One conjugated verb we cannot place does not sink a question whose known words point clearly to one
    # topic that answers the angle asked ("les patients qui prennent leur traitement en comprimés ?"): a verb
    # form says what is done, not what the question is about. An unknown noun ("essai clinique", "avenant")
    # may name a subject the rules do not cover, so it still counts; two unknown words still do.
    if (
        len(unknown) == 1
        and _verb_form(unknown[0])
        and ranked
        and ranked[0][0] in strong
        and pointed <= set(topic_by_id()[ranked[0][0]].intents)
        and best >= ANSWER_THRESHOLD + UNKNOWN_TOLERANCE_MARGIN
        and best >= DOMINANCE * second
    ):
        needed = min(needed, best)
    chosen: list[str] = []
    angles = pointed_angles(focus_tokens)
    if ranked and best >= needed and oos_score < 2.0 and not own_data:
        if about_bot:
            chosen = _bot_readings(ranked, best, hits)
        else:
            for topic_id, value in ranked:
                if (
                    value < max(ANSWER_THRESHOLD, SECONDARY_SHARE * min(best, SECONDARY_CAP))
                    or len(chosen) == MAX_TOPICS
                ):
                    break
                chosen.append(topic_id)
        chosen = chosen or [ranked[0][0]]
        # A more specific topic that scored on its own beats the general one it refines, even when the
        # general one scored higher ("le forfait mensuel est versé à chaque injection ?").
        for topic_id, value in ranked:
            if topic_id in chosen or value < ANSWER_THRESHOLD or len(chosen) == MAX_TOPICS:
                continue
            if any(c in topic_by_id()[topic_id].supersedes for c in chosen):
                chosen.append(topic_id)
        chosen = _drop_superseded(chosen, angles, scores)
        _complete_intents(chosen, ranked, focus_tokens, found_intents, hits)
    if chosen:
        _serve_angles(chosen, ranked, angles, hits)
    if chosen and _asks_what_topics_cannot_give(angles, chosen):
        chosen = []
    if about_bot:
        chosen = _bot_first(chosen)
    suggestions = tuple(t for t, v in ranked[:3] if v >= SUGGEST_THRESHOLD) if not chosen else ()
    confidence = 0.0 if not ranked else min(1.0, best / (needed + 2.0))
    if oos_score >= 2.0:
        confidence = min(confidence, 0.2)
    return Analysis(
        own_data=own_data,
        question=" ".join(question.split()),
        normalized=norm,
        asked=asked,
        family=family,
        scores=scores,
        hits=hits,
        topics=tuple(chosen),
        suggestions=suggestions,
        out_of_scope=tuple(oos_hits),
        unknown_words=unknown,
        intents=found_intents,
        slots=slots,
        confidence=round(confidence, 2),
        mixed_families=mixed,
        about_bot=about_bot,
        guess=_guess(question, vocab, kept),
        granted=_granted(question, vocab, kept),
    )


# « combien d'établissements max en HDF ? 15 ? », « ça dure combien ? 5 ans ? »: after a question, a last one
# made of a figure alone (with its unit at most) puts that value forward. (A date put so, « c'est quand ? le
# 16/05 ? », is not read: the deadline's verdicts are not the date's.)
_GUESS = re.compile(
    r"\?\s*(?:genre |plutot |plutôt |environ |ou |c'?est |c )?(?:en |a |à )?"
    r"(?P<value>\d[\d ]*(?:[.,]\d+)?(?:\s?(?:€|euros?|e|balles|ans?|max|maxi))?)"
    # (« … ? 300 balles c ça ? »: the value, then the words that put it to the test)
    r"(?:\s+(?:c'?est |c )?(?:bien )?(?:ça|ca|ok|juste|correct))?\s*\?+\s*\Z",
    re.IGNORECASE,
)


# « vu que le forfait c'est 115 € par séance, on touche combien pour 6 séances ? »: the clause a question
# takes for granted, up to its comma. Linear: a fixed lead, then one bounded class.
_GRANTED = re.compile(
    r"\b(?:vu que|vu qu|puisque|puisqu|sachant que|sachant qu|etant donne que|étant donné que|etant donne qu"
    r"|étant donné qu)\s*'?\s*(?P<clause>[^,;?!.\n]{3,120})",
    re.IGNORECASE,
)


def _granted(question: str, vocab: frozenset[str], kept: frozenset[str]) -> tuple[str, ...]:
    found = _GRANTED.search(question)
    return normalize(found.group("clause"), vocab, kept).tokens if found else ()


# An aside closing the message (« … 300 balles c ça ? (la DAF me demande) »): the question ends before it.
_CLOSING_ASIDE = re.compile(r"\s*\([^()\n]{0,160}\)\s*\Z")


def _guess(question: str, vocab: frozenset[str], kept: frozenset[str]) -> tuple[str, ...]:
    # (the last few words only: bounded, whatever the input)
    found = _GUESS.search(_CLOSING_ASIDE.sub("", question.strip()[-240:])[-40:])
    return normalize(found.group("value"), vocab, kept).tokens if found else ()


# What the `bot_usage` cues (rules/data/knowledge/frames.yaml) must reach for a question to be about using
# the bot: « bot », « commande » alone; « saisir » alone; not « rappel » alone.
BOT_USAGE_FLOOR = 2.0
# What a word naming a command (topics.command_namings) adds to that command's entry in a question about the
# bot.
NAMING_BONUS = 1.0


# A second command is named only when it scores nearly as well as the first (« annuler l'adressage »:
# annuler, not adressage as well).
BOT_SECONDARY_SHARE = 0.9


def _bot_readings(ranked: list[tuple[str, float]], best: float, hits: dict[str, list[str]]) -> list[str]:
    """The bot's entries that answer (`ranked` holds them first; `best` is the best of them), then a legal
    entry only when it scores above them all on words of its own: it answers what the question's legal
    words ask (« le NIR dans la saisie ? »: the identifiers rule), after the bot's answer. A legal entry
    found by the very words that named the command (« ma cible d'adressages dans le bot »: the target's
    rule) answers another question."""
    chosen: list[str] = []
    for topic_id, value in ranked:
        if len(chosen) == MAX_TOPICS:
            break
        if topic_by_id()[topic_id].family == "bot":
            if value >= max(ANSWER_THRESHOLD, BOT_SECONDARY_SHARE * best) or not chosen:
                chosen.append(topic_id)
        elif chosen and value >= max(ANSWER_THRESHOLD, best) and _own_words(topic_id, chosen, hits):
            chosen.append(topic_id)
    return chosen


def _own_words(topic_id: str, chosen: list[str], hits: dict[str, list[str]]) -> bool:
    """Whether `topic_id` matched a word that no chosen entry matched (everyday words aside)."""
    taken = {w for t in chosen for cue in hits.get(t, []) for w in cue.split()}
    stems = tuple(w[:-1] for w in taken if w.endswith("*"))
    own = {w for cue in hits.get(topic_id, []) for w in cue.split()} - taken - NEUTRAL_WORDS
    return any(not w.startswith(stems) for w in own) if stems else bool(own)


def _bot_first(chosen: list[str]) -> list[str]:
    """A question about using the bot is answered by the bot's entries, first; a legal entry may follow one
    (« le NIR dans la saisie ? »: the identifiers rule), never answer it alone."""
    bot = [t for t in chosen if topic_by_id()[t].family == "bot"]
    return [*bot, *(t for t in chosen if t not in bot)] if bot else []


# Pointed questions: "à qui ?", "quelle année ?", "que se passe-t-il si ... ?". The angle a question takes
# decides which topic may answer it: a topic that does not serve the angle answers another question. When
# no chosen topic serves it, a topic that does and that matched cues of its own is answered first; failing
# that, the question is handed over rather than answered from the wrong angle.
_POINTED: dict[Intent, tuple[Cue, ...]] = {
    "who": compile_cues({"a qui": 1.0, "aupres de qui": 1.0, "par qui": 1.0}),
    "date": compile_cues(
        {
            "quelle annee": 1.0, "quel mois": 1.0, "quelle date": 1.0, "a quelle date": 1.0,
            "jusqu a quand": 1.0, "depuis quand": 1.0, "a partir de quand": 1.0, "quel jour": 1.0,
            "combien de jour": 1.0,
        }
    ),
    "whatif": compile_cues(
        {
            "que se passe t il": 1.0, "que se passe": 1.0, "qu arrive t il": 1.0, "quelle consequence": 1.0,
            "que risque": 1.0, "risque t on": 1.0,
        }
    ),
}  # fmt: skip
# A topic promoted to serve an angle must have scored this much on its own cues.
ANGLE_FLOOR = 1.5


def pointed_angles(tokens: tuple[str, ...]) -> frozenset[Intent]:
    """The pointed angles of the question (who / date / what-if) read from its focus tokens."""
    found: set[Intent] = set()
    for intent, cues in _POINTED.items():
        # A question that starts with "qui" ("qui évalue ?") asks for a who as pointedly as "à qui".
        if score(cues, tokens)[0] > 0 or (intent == "who" and tokens[:1] == ("qui",)):
            found.add(intent)
    return frozenset(found)


def _serves(topic_id: str, angle: Intent) -> bool:
    return angle in topic_by_id()[topic_id].intents


def _drop_superseded(chosen: list[str], angles: frozenset[Intent], scores: dict[str, float]) -> list[str]:
    """A specific topic makes the general one it refines redundant, unless the general one serves an angle
    the question asks and the specific one does not ("rapport initial : on y met les données de quelles
    années ?" keeps the initial report, which answers the year, next to its contents), or it scored far
    below it (« combien de dossiers max l'ARS peut retenir ? on serait 14 candidats » is the cap per region,
    the national count of files only grazed)."""
    kept: list[str] = []
    for topic_id in chosen:
        by = [
            t
            for t in chosen
            if topic_id in topic_by_id()[t].supersedes
            and scores.get(t, 0.0) >= SUPERSEDE_SHARE * scores.get(topic_id, 0.0)
        ]
        needed_for = [a for a in angles if _serves(topic_id, a) and not any(_serves(t, a) for t in by)]
        if not by or needed_for:
            kept.append(topic_id)
    return kept or chosen[:1]


def _serve_angles(
    chosen: list[str], ranked: list[tuple[str, float]], angles: frozenset[Intent], hits: dict[str, list[str]]
) -> None:
    for angle in sorted(angles):
        serving = [t for t in chosen if _serves(t, angle)]
        if serving:
            # The topic that answers the angle asked speaks first ("que se passe-t-il si on n'envoie pas le
            # rapport ?": the payment condition, then the report's dates).
            chosen.remove(serving[0])
            chosen.insert(0, serving[0])
            continue
        for topic_id, value in ranked:
            if topic_id in chosen or not _serves(topic_id, angle) or not hits.get(topic_id):
                continue
            if value - INTENT_BONUS >= ANGLE_FLOOR:
                chosen.insert(0, topic_id)
                del chosen[MAX_TOPICS:]
            break


def _asks_what_topics_cannot_give(angles: frozenset[Intent], chosen: list[str]) -> bool:
    return any(not any(_serves(t, angle) for t in chosen) for angle in angles)


def _out_of_scope(
    tokens: tuple[str, ...], scores: dict[str, float], hits: dict[str, list[str]]
) -> tuple[float, list[str]]:
    """The out-of-scope cues found, less those a topic that scored lists as its own cue: that topic's answer
    says honestly what the texts leave open ("des pénalités si la cible n'est pas atteinte ?")."""
    present = frozenset(tokens)
    absorbed = {
        h for topic_id, found in hits.items() if scores.get(topic_id, 0.0) >= ANSWER_THRESHOLD for h in found
    }
    total = 0.0
    found_hits: list[str] = []
    for cue in compiled_out_of_scope():
        name = " ".join(cue.words)
        if name not in absorbed and matches(cue, tokens, present):
            total += cue.weight
            found_hits.append(name)
    return total, found_hits


# A topic added for a second pointed question joined by "et" must have scored this much on its own cues.
COMPLETION_FLOOR = 1.5


_INTERROGATIVE = {"amount": "combien", "date": "quand", "who": "qui", "count": "combien"}


def _complete_intents(
    chosen: list[str],
    ranked: list[tuple[str, float]],
    tokens: tuple[str, ...],
    found: frozenset[Intent],
    hits: dict[str, list[str]],
) -> None:
    """'qui touche le forfait et combien ?', 'combien le premier mois et quand est-on payé ?': two questions
    joined by "et". When a pointed intent (amount, date, who, count) is answered by none of the chosen topics,
    the best topic that answers it and matched cues of its own is answered too."""
    if "et" not in tokens or len(chosen) >= MAX_TOPICS:
        return
    for intent in ("amount", "date", "who", "count"):
        covering = sum(intent in topic_by_id()[t].intents for t in chosen)
        # « ça a commencé quand et ça s'arrête quand ? »: one intent asked twice wants two topics.
        twice = tokens.count(_INTERROGATIVE[intent]) >= 2
        if intent not in found or covering >= (2 if twice else 1):
            continue
        for topic_id, value in ranked:
            topic = topic_by_id()[topic_id]
            own = value - (INTENT_BONUS if found & set(topic.intents) else 0.0)
            # (a second topic for an intent asked twice is not one a chosen topic already answers)
            superseded = covering > 0 and any(topic_id in topic_by_id()[t].supersedes for t in chosen)
            if topic_id in chosen or intent not in topic.intents or not hits.get(topic_id) or superseded:
                continue
            if own >= COMPLETION_FLOOR:
                chosen.append(topic_id)
            break


_ASIDE = re.compile(r"\(([^()]{1,80})\)|\[([^\[\]]{1,80})\]")


def _only_in_asides(question: str, hits: list[str], vocab: frozenset[str], everyday: frozenset[str]) -> bool:
    """Whether every out-of-scope cue found has all its words inside brackets and none outside them."""
    asked = focus(question)
    inside = _aside_words(asked, vocab, everyday)
    if not inside:
        return False
    outside = set(normalize(_ASIDE.sub(" ", asked), vocab, everyday).tokens)
    return all(all(w in inside and w not in outside for w in hit.split()) for hit in hits)


def _aside_words(text: str, vocab: frozenset[str], everyday: frozenset[str]) -> frozenset[str]:
    """The normalised words written inside brackets (bounded: at most 80 characters each, linear)."""
    words: set[str] = set()
    for match in _ASIDE.finditer(text):
        words.update(normalize(match.group(1) or match.group(2), vocab, everyday).tokens)
    return frozenset(words)


def _acronyms(text: str) -> set[str]:
    """Words written in capitals, 2 to 5 letters ("GCS", "EPRD"), folded like the tokens; not for a message
    typed all in capitals."""
    words = re.findall(r"[^\W\d_]+", text)
    if not words or sum(w.isupper() for w in words) > len(words) / 2:
        return set()
    return {w.lower() for w in words if w.isupper() and 2 <= len(w) <= 5}


def proper_names(text: str) -> set[str]:
    """Capitalised words (people, towns, establishments): unknown to us but not a sign of a misunderstood
    question. Not applied to a message typed in capitals."""
    words = re.findall(r"[^\W\d_][\w'’-]*", text)
    if not words or sum(w.isupper() for w in words) > len(words) / 2:
        return set()
    names: set[str] = set()
    for word in words:
        if word[0].isupper() and not word.isupper():
            names.update(normalize(word).tokens)
    return names


# Questions about the establishment's own figures ("combien avons-nous touché en 2025", "le montant versé à
# mon établissement l'an dernier", "combien de patients ont été inclus"): the rules cannot answer them; the
# data can (the forfaits / bilan commands), so they are handed over with that pointer.
_OWN_DATA_RE = re.compile(
    r"\b(?:avons|avon|avez|ont|a)(?: nous| vous| t il| t elle| t on)? (?:ete |deja |eu |bien )?"
    r"(?:touche|percu|recu|encaisse|verse|paye|inclu|inclus|adresse|facture|obtenu|declare|saisi|renseigne)\b"
    r"|\b(?:verse|paye|percu|recu|touche)e? (?:a|par) (?:mon|notre|nos) etablissement\b"
    # (« avons » comes out of normalisation as « avon », a participle may carry its plural)
    r"|\b(?:on|nous|vous)(?: a| avons| avon| avez| est| sommes| somme| etes)?(?: ete| bien| pas| deja)* "
    r"(?:retenu|selectionne|accepte|refuse|rejete)(?:e|s|es)?\b"
    r"|\b(?:a t il|a t elle|est il|est elle) (?:ete |bien |deja )*"
    r"(?:retenu|selectionne|accepte|refuse|rejete)(?:e|s|es)?\b"
    # « la liste est sortie ? on est dedans ? »: whether the asker is on the list
    r"|\b(?:on|nous) (?:est|sommes|somme|y est|y sommes|en fait partie|en faisons partie)(?: bien| deja)?"
    r" (?:dedan|dedans|dans la liste|sur la liste|parmi (?:les )?(?:retenu|laureat))"
    # « pourriez-vous nous dire si nous faisons partie des établissements retenus ? »
    r"|\b(?:nous|on) (?:\w+ )?partie des (?:\w+ )?(?:retenu|selectionne|laureat)"
    # "est-ce que le CH de Lisieux a été retenu ?": a named candidate's selection is data, not a rule.
    r"|\b(?:etablissement|dossier|candidature|projet|clinique|chu|clcc)\b[\w ]{0,40}?\ba (?:bien |deja )?ete "
    r"(?:retenu|selectionne)"
    r"|\b(?:etablissement|chu|clcc|clinique)\b[\w ]{0,40}?\b"
    r"(?:fait t il|fait t elle|fait il|fait elle|fait|figure t il|figure)\s+"
    r"(?:partie des|parmi les|dans la liste des|sur la liste des) (?:etablissement )?"
    r"(?:retenu|selectionne|laureat)"
    # « vérifier si l'ARS a bien lancé le versement », « si le forfait de Mme L. a bien été pris en compte »:
    # whether one act was done on a file is its state
    r"|\bsi\b[\w ]{0,60}?\ba bien (?:ete )?"
    r"(?:lance|verse|vire|paye|notifie|valide|enregistre|pris en compte)\b"
    # « tjs pas de retour sur notre candidature, on est pris ou pas ? »: the file's outcome
    r"|\b(?:on est|nous sommes|sommes nous) (?:bien )?(?:pris|retenu|retenus|selectionne|selectionnes)\b"
    # « la MIG 2025 a été notifiée pour le CH de Fécamp ? »: what one establishment was notified is its file
    r"|\bnotifie(?:e|s|es)? (?:pour|a) (?:le |la |l |notre )?(?:etablissement|chu|clcc|clinique|had)\b"
    # "notre établissement a-t-il bien envoyé son rapport ?": whether it was done is data (when: a rule).
    # (The participles may come out of lemmatisation as infinitives: "transmis" -> "transmettre".)
    r"|\b(?:avons|avon|avez)(?: nous| vous)? (?:bien |deja )?(?:envoye|transmis|depose|remis|rendu|envoyer"
    r"|transmettre|deposer|remettre|rendre)\b"
    r"|\b(?:a t il|a t elle|a t on) (?:bien |deja )+(?:envoye|transmis|depose|remis|rendu|envoyer|transmettre"
    r"|deposer|remettre|rendre)\b"
    # "à combien s'élèvent nos forfaits de 2025 ?": the establishment's own total for a year.
    r"|\bcombien\b.*\bnos (?:forfait|versement|paiement|recette)s?\b.*\b20\d\d\b"
    r"|\bdans l outil\b"
    r"|\b(?:l an dernier|l annee derniere|l an passe|l annee passee|cette annee jusqu ici)\b"
    # « pouvez-vous nous confirmer qu'il est bien complet et transmis à la DGOS ? » of the asker's own file
    r"|\b(?:confirmer|verifier|savoir|dire|indiquer)\b(?: \w+){0,3}? "
    r"(?:qu il|qu elle|si il|s il|si elle|(?:que|si) notre (?:dossier|candidature)) "
    r"(?:est|soit|a ete|a bien ete|a)(?: bien)? "
    r"(?:complet|complete|recu|recue|transmis|transmise|enregistre|enregistree|arrive|parvenu|parvenue)\b"
    # « le versement des forfaits 2025 pour le CH d'Evreux, il est parti ou pas ? »: one payment's state
    r"|\b(?:versement|paiement|virement)\b[\w ]{0,50}?\b(?:il|elle) est (?:bien )?"
    r"(?:parti|partir|arrive|arriver)\b"
    # « tu vois leur dossier ? », « pouvez-vous vérifier le montant qui nous a été notifié ? »: a file looked
    # at for the asker (the reader asked to look, a file, an amount or a report of theirs or another's)
    r"|\b(?:tu vois|vous voyez|pouvez vous|pourriez vous|tu peux|peux tu)(?: nous| me)? "
    r"(?:verifier |voir |regarder |consulter )?(?:leur|notre|son|sa) "
    r"(?:dossier|montant|versement|rapport|paiement|candidature)\b(?! d evaluation)"
    r"|\bmontant qui nous a ete (?:notifie|verse|attribue|alloue)\b"
    r"|\b(?:mon|notre) (?:dossier|candidature) (?:a t il|a t elle|est il|est elle|a|est)"
    r" (?:ete )?(?:retenu|accepte|selectionne|refuse|rejete)\b"
)


_DEFINITION_TEXT = """
    c est ce que qu quoi veut dire signifie signification definition le la les l un une d de du des ca
    exactement svp s il vous plait stp mot sigle acronyme abreviation au juste difference entre et ou
    quel quelle
"""
_DEFINITION_WORDS = frozenset(_DEFINITION_TEXT.split())


# What the patient received or how the patient was referred is the case asked about, not the establishment's
# own figures: "le patient n'a reçu qu'une hydratation", "si le patient a été adressé en juin".
# "un patient inclus en septembre n'a reçu aucune administration" too; but in "combien de patients notre
# établissement a inclus" the establishment is the subject.
_CASE_SUBJECT_RE = re.compile(
    r"\b(?:patient|patiente|enfant|malade)\b(?: (?!notre\b|nos\b|mon\b|etablissement\b)\w+){0,4} ?$"
)
# The case an act was done to (« … adressé un patient en avril ») follows the verb: a rule is asked of it.
_TOLD_CASE_RE = re.compile(
    r" (?:un|une|deux|trois|\d+) (?:patient|patiente|patients|patientes|malade|enfant)\b"
)
# « les patients qu'on a adressés », « les pts que nous avons inclus »: the case told, in a relative clause.
_CASE_BEFORE_RE = re.compile(
    r"\b(?:patient|patiente|patients|patientes|pts?|malades?|enfants?) qu(?:e)?(?: on| nous| ils| elles)? $"
)
# A question asked after a statement of the asker's own (« on a été retenus, … on peut les déclarer ? »).
_ASKS_AFTER_RE = re.compile(
    r"\b(?:on peut|peut on|pouvons nous|pouvons|peut t on|est ce que|est ce qu|ca peut|cela peut|il peut"
    r"|elle peut|sera t il|sera t elle|ouvre t il|ouvre t elle|compte t il|compte t elle)\b"
)
# "versée à notre établissement et non à l'HAD ?": who is paid, a rule, not the establishment's figures.
_RECIPIENT_CHOICE_RE = re.compile(r"\b(?:et non|et pas|ou|plutot qu|pas) (?:a |par )?l had\b")


# « nous n'avons rien vu passer au titre des forfaits 2025 … pouvez-vous nous indiquer pourquoi ? »: why the
# asker's own money did not come is its file, not a rule (when it comes, asked alone, is a rule).
_NOT_RECEIVED = re.compile(
    r"\b(?:pas|rien|jamais)(?: encore| toujours| du tout)? "
    r"(?:recu|percu|touche|encaisse|vu passer|vu arriver)\b"
)


# « si » opening the question is a condition (« si on est retenus, … ? »); after a verb (« dites-moi si on est
# retenus ») it asks whether.
_CONDITION_BEFORE = re.compile(r"(?:^|\b(?:et|mais|donc|alors|bonjour) )si $")


def _asks_own_data(text: str) -> bool:
    # Where « quand » first stands, found once (a search of the text before each match was quadratic).
    when = re.search(r"\bquand\b", text)
    first_when = when.start() if when is not None else len(text)
    for match in _OWN_DATA_RE.finditer(text):
        # "combien de patients avons-nous déclarés": the asker's own verb, whatever the noun before it.
        first_person = match.group(0).startswith(("avons", "avon nous", "avez", "nous", "vous"))
        if match.group(0).endswith("etablissement") and _RECIPIENT_CHOICE_RE.search(text):
            continue
        if first_when < match.start() and re.search(
            r"\bsi $", text[max(0, match.start() - 4) : match.start()]
        ):
            continue  # « on saura quand si on est retenus ? »: when the answer comes, a date of the calendar
        if _CONDITION_BEFORE.search(text[max(0, match.start() - 12) : match.start()]):
            continue  # « si on est retenus, un pt adressé le 12 juin comptera ? »: a condition, no state
        if _TOLD_CASE_RE.match(text, match.end()):
            continue  # « on a adressé un patient en avril 2025, ça compte ? »: a case told, a rule asked
        if _CASE_BEFORE_RE.search(text[max(0, match.start() - 30) : match.start()]):
            continue  # « les pts qu'on a adressés en juin »: the patients told, the act in a relative clause
        if re.search(r"retenu|selectionne", match.group(0)) and _ASKS_AFTER_RE.search(text, match.end()):
            # « on a été retenus (arrêté de juillet), les pts … on peut les déclarer ? »: what the asker
            # states first is the case; the question asked after it is a rule.
            continue
        if first_person or not _CASE_SUBJECT_RE.search(text[max(0, match.start() - 30) : match.start()]):
            return True
    return False


def _glossary_bonus(
    scores: dict[str, float], tokens: tuple[str, ...], vocab: frozenset[str] | set[str]
) -> None:
    """'c'est quoi un CPOM', 'TMSC = ?', 'ça veut dire quoi HAD': an acronym we explain, asked alone or with
    a definition cue, is a glossary question first."""
    named = set(t for t in tokens if t in GLOSSARY_TOKENS)
    if not 1 <= len(named) <= 2:
        return
    # Only the words of a definition question may surround the acronym ("c'est quoi un CPOM ?"): any other
    # word ("le forfait, c'est pour l'HAD ou pour nous ?") makes it a question about something else.
    content = [t for t in tokens if t not in _DEFINITION_WORDS and t not in GLOSSARY_TOKENS]
    defining = score(compiled_definition_cues(), tokens)[0] > 0
    if not content and (defining or len(tokens) <= 2):
        scores["glossary"] = max(scores.values(), default=0.0) + 1.0


_VERB_FORM_ENDINGS = ("aient", "erait", "ions", "iez", "ons", "ez", "ait", "ent")


def _verb_form(token: str) -> bool:
    """A conjugated verb by its ending ("prennent", "fassions", "devrait"); "-ment" words are nouns or
    adverbs."""
    return len(token) >= 6 and token.endswith(_VERB_FORM_ENDINGS) and not token.endswith("ment")


def _prefix_known(token: str) -> bool:
    # "pediatrie" is understood when a lexicon cue is written "pediatri*".
    return any(token.startswith(p) for p in prefixes())


def _tolerated(length: int) -> int:
    # A long message (an email telling its context) may hold a few words we do not know without harm.
    return 0 if length <= 20 else 1 if length <= 40 else 2


def _slot_bonuses(scores: dict[str, float], slots: Slots, family: Family, found: frozenset[Intent]) -> None:
    if family != "art50":
        return
    money_asked = (
        "amount" in found or scores.get("forfait_amounts", 0) > 0 or scores.get("forfait_compute", 0) > 0
    )
    both_counts = slots.month_count is not None and slots.months_without is not None
    # "trois mois sans administration sur six, combien ?": months without counted, money asked: a total.
    counted_without = slots.months_without is not None and slots.months_without >= 2
    if (slots.month_range or slots.month_count or counted_without) and (money_asked or both_counts):
        scores["forfait_compute"] = scores.get("forfait_compute", 0.0) + 4.0
    if slots.age_years is not None or slots.age_months is not None:
        young = slots.age_months is not None or (slots.age_years or 0) < 18
        scores["children"] = scores.get("children", 0.0) + (2.5 if young else 1.0)
    if slots.sessions_in_month is not None:
        # "2 perfs en novembre", "3 injections dans le mois": how the fee counts sessions.
        scores["forfait_per_session"] = scores.get("forfait_per_session", 0.0) + 2.0
    # "la première perf a eu lieu le 31 janvier, janvier compte comme mois d'inclusion ?": an inclusion
    # question placed on a precise day asks which month is the first one (an open point).
    if slots.day_dates and "forfait_inclusion" in scores:
        scores["forfait_first_month"] = scores.get("forfait_first_month", 0.0) + 2.5
    # "2 perfs en janvier + 1 en février = combien ?": months listed one by one, with money asked.
    # A month named as empty in a yes/no question ("hospitalisée tout juillet, le forfait de juillet est-il
    # dû ?") asks about that month, not for a total: only a total asked for ("combien", "au total") computes.
    total_asked = "amount" in found or scores.get("forfait_compute", 0) > 0
    listed = len(set(slots.months)) >= 2 and not slots.month_range and slots.month_count is None
    if listed and money_asked and (total_asked or not slots.empty_months):
        scores["forfait_compute"] = scores.get("forfait_compute", 0.0) + 4.0
    elif slots.empty_months and not slots.month_range and slots.month_count is None:
        # "rien en mars pour ce patient, on compte quelque chose ?": a month without administration.
        scores["forfait_month_without"] = scores.get("forfait_month_without", 0.0) + 2.5
    if slots.had_count is not None:
        scores["had_partners"] = scores.get("had_partners", 0.0) + 2.0
    if slots.after_end and scores and scores.get("forfait_compute", 0.0) < 4.0:
        # « … puis la prochaine le 9/02/28. on aura 120 pr février ? »: care after the end earns nothing,
        # whatever else the question asks about it (a total asked says so in its own reading).
        scores["patient_after_end"] = scores.get("patient_after_end", 0.0) + 3.0
    if slots.referral_before_selection and scores:
        # « on pouvait adresser dès le 6 février 2025 et être payés ? »: a referral before the selection's
        # publication, whatever else the question names about it.
        scores["patient_referral_date"] = scores.get("patient_referral_date", 0.0) + 3.0
    if slots.regions and "application_deadline" in scores:
        scores["application_deadline"] += 0.8


@lru_cache(maxsize=8)
def _region_words(params: Parameters) -> frozenset[str]:
    from handlers.questions.normalize import fold, raw_tokens, stem

    words: set[str] = set()
    for region in params.regions.values():
        for name in (region.name, *region.aliases):
            words.update(stem(w) for w in raw_tokens(fold(name)))
    return frozenset(words)
