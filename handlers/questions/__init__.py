"""Free-text questions about the article 50 experiment (and the article 51 frame), answered from the rules.

    from handlers.questions import answer_question, extract_question
    reply = answer_question("c koi la date limite en normandie ?", now)

The pipeline: extract the question from a whole message (greetings, signatures) -> normalise (accents, case,
abbreviations, typos) -> score topics and read slots (region, months, age) -> compose the answer from the
parameters through sentence templates, citing a source for every fact, with today's date deciding what is
past. When nothing scores clearly, or the question is out of scope, the reply says so and asks a person.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, datetime
from functools import cache
from zoneinfo import ZoneInfo

import templates
from handlers.questions import clauses, coverage, frequency, lemmas, parties, premise, retrieval, timeline
from handlers.questions.acts import act_asked
from handlers.questions.answer import (
    Composition,
    asks_participant_count,
    compose,
    entry,
    label,
    source_of,
    t,
)
from handlers.questions.answer import preload as answer_preload
from handlers.questions.asked import asked_points
from handlers.questions.detect import (
    ANSWER_THRESHOLD,
    MAX_TOPICS,
    Analysis,
    analyse,
    focus,
    proper_names,
    question_words,
)
from handlers.questions.dictation import undictate
from handlers.questions.extract import extract_question, split_questions
from handlers.questions.knowledge import Family, load_knowledge
from handlers.questions.normalize import fold, normalize, redact_identifiers
from handlers.questions.slots import MONTH_WORDS
from handlers.questions.tariffs import stated_tariffs
from handlers.questions.topics import compiled_human_request, compiled_own_case, ordinary, score, topic_by_id
from handlers.reply import Action, ReasonLine, Reply, Status
from rules.drugs import load_drugs
from rules.parameters import Parameters, load_parameters
from rules.reasons import Confidence

__all__ = ["analyse", "answer_question", "extract_question", "preload", "split_questions"]

PARIS = ZoneInfo("Europe/Paris")


def preload() -> None:
    """Load the word lists (about 1 s, ~115 MB) now, so that no user's first question pays for it."""
    lemmas.preload()
    frequency.preload()
    templates.preload("questions.")
    answer_preload(load_parameters())
    retrieval.preload(load_parameters())
    coverage.preload(load_parameters())
    # One warm-up answer compiles the cue tables, the lemma index and the templates (~0.1 s otherwise paid by
    # the first user). A fixed day: nothing here depends on today.
    answer_question(
        "combien touche-t-on si le patient encaissait un truc ?", datetime(2026, 1, 5, tzinfo=PARIS)
    )
    # Questions about the bot read the command registry, filled by importing the commands (~0.5 s once).
    answer_question("comment corriger une erreur de saisie ?", datetime(2026, 1, 5, tzinfo=PARIS))


def answer_question(text: str, now: datetime, params: Parameters | None = None) -> Reply:
    """Answer a free-text French question (a chat line or a whole email body) as of `now`. A message asking
    two or three things gets each part answered with its own sources; a part the rules cannot settle is
    handed over without dropping the others."""
    params = params or load_parameters()
    question = extract_question(text)
    masked = redact_identifiers(undictate(text))[1]
    parts = split_questions(question)
    if len(parts) >= 2:
        analysed = analyse(question, params)
        # A message about using the bot keeps each of its parts about it (« le bot dit non rémunéré :
        # pourquoi ? Par ailleurs, comment déclarer la fin de prise en charge ? »: a command too).
        # A region the message names once holds for a part that names none (« date limite AMI normandie ?
        # on a encore le temps de déposer ? »).
        region = analysed.slots.regions if len(analysed.slots.regions) == 1 else ()
        # (a message comparing article 51 with the experiment, « la différence avec l'article 51 ? faut-il
        # aussi passer par le comité technique ? », asks its other parts of article 50)
        compares = "art51_difference" in analysed.topics
        frame = None if analysed.mixed_families or compares else analysed.family
        replies = [_answer_one(part, False, now, params, analysed.about_bot, region, frame) for part in parts]
        for k in range(1, len(parts)):
            back = _REFERS_BACK.search(fold(parts[k]))
            if replies[k].status == Status.UNKNOWN and back and _ASKS_AMOUNT.search(fold(parts[k - 1])):
                # « combien pour ce patient ? et y a une commande pour voir ça direct dans le bot ? »: « ça »
                # is the amount the part before asks: read so, the part asks how to see it in the bot.
                fixed = fold(parts[k])[: back.start()] + " voir combien " + fold(parts[k])[back.end() :]
                again = _answer_one(fixed, False, now, params, True, region, frame)
                if again.status != Status.UNKNOWN:
                    replies[k] = again
        # A part read in another frame than the whole message lost its subject on the way (« article 51 : qui
        # donne l'avis, et en combien de temps ? »: alone, « en combien de temps ? » is about article 50).
        whole = analysed.family
        if any(r.data.get("family", whole) != whole for r in replies if r.status != Status.UNKNOWN):
            return _answer_one(question, masked, now, params)
        combined = _combine(question, parts, replies, masked)
        if combined is not None:
            return combined
    return _answer_one(question, masked, now, params)


_ASKS_AMOUNT = re.compile(r"\b(?:combien|cb|total|montant)\b")
# A part that points back at the one before (« … pour voir ça », « le calculer »), asked of the bot.
_REFERS_BACK = re.compile(
    r"\b(?:voir|calculer|afficher|sortir|obtenir|retrouver) (?:ca|cela|ceci)\b"
    r"|\b(?:le|les) (?:voir|calculer|afficher)\b"
)


def _answer_one(
    question: str,
    masked: bool,
    now: datetime,
    params: Parameters,
    in_bot_message: bool = False,
    region: tuple[str, ...] = (),
    frame: Family | None = None,
) -> Reply:
    analysis = analyse(question, params, in_bot_message, frame)
    if region and not analysis.slots.regions and not analysis.slots.unknown_region_words:
        analysis = replace(analysis, slots=replace(analysis.slots, regions=region))
    data: dict[str, object] = {
        "topics": list(analysis.topics),
        "confidence": analysis.confidence,
        "question": question,
        "family": analysis.family,
    }
    if not question.strip():
        return _handover(analysis, data, masked, "handover.empty")
    if score(compiled_human_request(), analysis.normalized.tokens)[0] >= HUMAN_REQUEST:
        data["human_requested"] = True
        return _handover(analysis, data, masked, "handover.human_requested")
    if act_asked(analysis.question):
        data["human_requested"] = True  # (a person acts: handed over as one who asked for a person)
        return _handover(analysis, data, masked, "handover.act_requested")
    # The day that decides what is past is the day in Paris, whatever zone `now` was given in.
    today = now.astimezone(PARIS).date() if now.tzinfo else now.date()
    analysis = _timeline_first(analysis, today)
    if stated_tariffs(analysis.normalized.tokens) and "forfait_cap_monthly" not in analysis.topics:
        # « tarif HDJ 410 et HAD 330, le mensuel reste à 120 ? »: two tariffs stated are the cap's
        # computation, whatever entry the words also call up (the HAD tariff, the monthly amount).
        capped = ("forfait_cap_monthly", *(t for t in analysis.topics if t != "had_tariff"))
        analysis = replace(analysis, topics=capped[:MAX_TOPICS], suggestions=())
    if analysis.own_data and analysis.topics != ("forfait_compute",):
        data["own_data"] = True
        return _handover(analysis, data, masked, "handover.own_data")
    if asks_participant_count(analysis.normalized.text):
        # Safety: "combien de CHU participent ?" is a count we do not hold; no rule (the cap, the categories)
        # answers it.
        data["participant_count"] = True
        return _handover(analysis, data, masked, "handover.participant_count")
    read_whole = (
        analysis.topics == ("forfait_compute",) and clauses.read(analysis.question, today) is not None
    )
    if read_whole and "payment_time" in asked_points(analysis.normalized.tokens):
        # « combien pour 2026, et sur quel exercice ce sera versé ? »: the total, then the year it is paid.
        analysis = replace(analysis, topics=("forfait_compute", "forfait_payment"))
    if analysis.out_of_scope and not read_whole:
        # (A timeline read whole has accounted for every word that changes the total: « sauf août (vacances) »
        # tells why a month had none, it asks nothing beyond the rules.)
        data["out_of_scope"] = list(analysis.out_of_scope)
        return _handover(analysis, data, masked, "handover.out_of_scope")
    addressed, unstated = _address_the_asked_point(analysis)
    if unstated is not None and read_whole:
        unstated = None  # the months read whole are the answer (« sauf août, chez sa fille »: why, not what)
    elif unstated == "tariff_amount" and stated_tariffs(analysis.normalized.tokens):
        unstated = None  # the tariffs are stated, not asked: the cap applied to them is the answer
    else:
        analysis = addressed
    data["topics"] = list(analysis.topics)
    if unstated is not None:
        # No entry that scored states what is asked (a phone number, a decision to come, an act for the
        # asker): what is known nearby is not an answer. Entries that state it are offered; none: a person.
        data["asked_point"] = unstated
        if analysis.suggestions:
            data["suggestions"] = list(analysis.suggestions)
            return _handover(analysis, data, masked, "handover.not_understood")
        return _handover(analysis, data, masked, f"asked_point.{unstated}")
    chosen = _chosen_by_label(question, analysis)
    if chosen is not None:
        analysis = replace(analysis, topics=(chosen,), suggestions=())
        data["topics"] = [chosen]
    if not analysis.topics:
        checked_by = _premise_reading(analysis, params) or _sole_checker(analysis, params)
        if checked_by is not None:
            # « l'expé finit en 2029 non ? »: a yes/no question stating the very value the best reading
            # holds (a year, an amount, a count) is about that value: checked, not handed over.
            analysis = replace(analysis, topics=(checked_by,), suggestions=())
            data["topics"] = [checked_by]
            data["rescued_by"] = "premise"
    if not analysis.topics:
        vote = retrieval.vote(analysis.normalized.tokens, params)
        rescued = _rescue(analysis, vote) if RESCUE else None
        if rescued is None:
            choices = _choices(analysis, vote)
            # Readings that do not state the asked point are not offered either; none left: a person.
            points = asked_points(analysis.normalized.tokens)
            choices = [c for c in choices if all(_states(c, point, analysis) for point in points)]
            if points and not choices:
                data["asked_point"] = points[0]
                return _handover(analysis, data, masked, f"asked_point.{points[0]}")
            data["suggestions"] = choices
            data["vote"] = [[k, round(v, 2)] for k, v in vote.ranked[:3]]
            analysis = replace(analysis, suggestions=tuple(choices))
            return _handover(analysis, data, masked, "handover.not_understood")
        analysis = replace(analysis, topics=(rescued,), suggestions=())
        data["topics"] = [rescued]
        data["rescued_by"] = "examples"

    foreign = _foreign_words(analysis, params)
    if len(foreign) >= coverage.UNCOVERED_LIMIT:
        # The entries chosen know none of the words that make this case particular (coverage.py): they would
        # answer a neighbouring question. Their readings are offered; a person answers the case.
        data["uncovered"] = foreign
        data["suggestions"] = list(analysis.topics)
        analysis = replace(analysis, suggestions=analysis.topics, topics=())
        return _handover(analysis, data, masked, "handover.beyond_entries")

    composition = Composition(params=params, today=today, analysis=analysis)
    topics = list(analysis.topics)
    checked = _premise(analysis, params, today)
    if checked is not None:
        # The verdict first, citing the parameter; then the entry's answer, which explains it.
        verdict = "yes" if checked.holds else "no"
        source = source_of(params, checked.reference)
        composition.say(
            f"premise.{checked.kind}.{verdict}",
            source,
            actual=checked.actual,
            stated=checked.stated,
            precision=getattr(source, "precision", checked.precision),
        )
        data["premise"] = {"entry": checked.entry, "holds": checked.holds}
        composition.verdict_given = True
        if checked.entry not in topics:
            topics.append(checked.entry)
    for topic in topics:
        compose(composition, topic)
    _say_drugs_read(composition)
    if masked:
        composition.body.insert(0, t("privacy.nir_masked"))
    if set(composition.unanswered) == set(analysis.topics) and not composition.reasons:
        return _handover(analysis, data, masked, None, composition)

    if "forfait_compute" not in topics and _asks_total_for_several(analysis.normalized.text):
        # « 14 nouveaux patients : le montant total ? » answered by the amounts alone: the rule is said, the
        # total (which no entry but the computation gives) is left to a person, never implied.
        composition.say("compute.unsure_total")
        composition.needs_human = True
    if score(compiled_own_case(), analysis.normalized.tokens)[0] >= HUMAN_REQUEST:
        # The state of one establishment's file or payment is asked: the rule is said as context, but only an
        # agent who sees the file answers the question itself, so the reply is a hand-over.
        composition.body.append(t("handover.own_case"))
        composition.needs_human = composition.open_point = True
        data["own_case"] = True
    elif parties.asks_party_state(analysis.question):
        # « le CH de Dieppe a-t-il bien transmis son rapport ? »: the rule is what is required, whether that
        # party has it is its file; a rule told alone would read as a confirmation.
        composition.body.append(t("handover.party_state"))
        composition.needs_human = composition.open_point = True
        data["party_state"] = True
    if composition.inference:
        composition.body.append(t("inference_note"))
    if composition.needs_human:
        composition.body.append(t("handover.partial"))
    status = Status.WARNING if (composition.inference or composition.needs_human) else Status.OK
    if composition.open_point:
        status = Status.UNKNOWN
        data["open_point"] = True
    if composition.unanswered:
        data["unanswered"] = composition.unanswered
    if composition.asked:
        data["ask"] = composition.asked
    return Reply(
        status=status,
        title=label(analysis.topics[0]),
        body=composition.body,
        reasons=composition.reasons,
        actions=composition.actions,
        needs_human=composition.needs_human,
        data=data,
    )


def _say_drugs_read(composition: Composition) -> None:
    """A drug named is read from the project's drug list (rules/data/drugs), general knowledge rather than a
    legal text: the answer says how it was read, citing the list with its confidence."""
    said = premise.said_routes(composition.analysis.normalized.own_tokens)
    for name in composition.analysis.normalized.drugs:
        drug = load_drugs().by_name[name]
        if drug.in_scope in said or (drug.in_scope is None and said):
            continue  # the question says the route itself (« capecitabine en comprimés »): nothing read
        sentence = t("drugs.read", name=name, route=t(f"drugs.route.{drug.route}"))
        composition.body.append(sentence)
        composition.reasons.append(ReasonLine(sentence, drug.source, drug.confidence, "info"))
        if drug.confidence == Confidence.INFERENCE:
            composition.inference = True


@cache
def _generic_lines() -> frozenset[str]:
    """The sentences any answer may close with (a hand-over, the working-hypothesis note): no news."""
    return frozenset({t("handover.partial"), t("inference_note"), t("handover.to_agent")})


def _combine(question: str, parts: list[str], replies: list[Reply], masked: bool) -> Reply | None:
    """One reply for a message of several questions, or None when the message is better answered whole: no
    part understood alone, a part not understood alone (« … ? par mail ? » refines another: the parts need
    each other), or every part asking the same thing."""
    # A part on an open point (RULES §4) is handed over with its working hypothesis: its text is kept.
    answered = [r for r in replies if r.status != Status.UNKNOWN or "open_point" in r.data]
    if not answered:
        return None
    # Parts handed over for a reason of their own (out of scope, the establishment's data, a person asked
    # for, an open point): the other parts are still answered.
    handed_whole = {"out_of_scope", "open_point", "own_data", "participant_count", "human_requested"}
    not_understood = [r for r in replies if r.status == Status.UNKNOWN and not handed_whole & set(r.data)]
    if not_understood:
        return None
    parts_topics = [set(_topics(r)) for r in answered]
    if len(answered) == len(replies) and all(t == parts_topics[0] for t in parts_topics):
        return None  # the parts ask the same thing: one answer
    # The same entry answering two parts says it once.
    seen: set[str] = set()
    body: list[str] = [t("privacy.nir_masked")] if masked else []
    reasons: list[ReasonLine] = []
    actions: list[Action] = []
    handed: list[str] = []
    topics: list[str] = []
    for part, reply in zip(parts, replies, strict=True):
        if reply.status == Status.UNKNOWN and "open_point" not in reply.data:
            handed.append(_asked(part))
            continue
        new = [x for x in _topics(reply) if x not in seen]
        # A part answered by an entry already said is skipped, unless it says something new: « … 115 € par
        # séance, est-ce le calcul retenu ? Concrètement, 4 séances en novembre et 3 en décembre : combien ? »
        # computes in its second part what the first only stated.
        if not new and all(line in body for line in reply.body if line not in _generic_lines()):
            continue
        # A sentence two parts share (« aide <commande> … ») is said once; a part whose every sentence was
        # said above (« … déposer ? et combien de jours reste-t-il ? »: the deadline says both) gets no
        # heading of its own over nothing.
        fresh = [line for line in dict.fromkeys(reply.body) if line not in body]
        if not fresh:
            continue
        seen.update(new)
        topics += new
        body.append(t("split.part", question=_asked(part)))
        body.extend(fresh)
        reasons.extend(r for r in reply.reasons if r not in reasons)
        actions.extend(a for a in reply.actions if a not in actions)
    for part in handed:
        body.append(t("split.handed_over", question=part))
    needs_human = bool(handed) or any(r.needs_human for r in answered)
    status = Status.WARNING if needs_human or any(r.status == Status.WARNING for r in answered) else Status.OK
    if all("open_point" in r.data for r in answered):
        # Every part answered turns on an open point, the others handed over: nothing is settled, a
        # hand-over with the hypotheses.
        status = Status.UNKNOWN
    if handed:
        body.append(t("handover.to_agent"))
    data: dict[str, object] = {
        "topics": topics,
        "question": question,
        "parts": [
            {"question": part, "status": reply.status.value, "topics": _topics(reply)}
            for part, reply in zip(parts, replies, strict=True)
        ],
    }
    if handed:
        data["unanswered_parts"] = handed
    return Reply(
        status=status,
        title=label(topics[0]),
        body=body,
        reasons=reasons,
        actions=actions,
        needs_human=needs_human,
        data=data,
    )


def _asked(part: str) -> str:
    """The question of a part, without the context sentences before it."""
    return re.split(r"(?<=[.!])\s+", part)[-1]


def _topics(reply: Reply) -> list[str]:
    found = reply.data.get("topics", [])
    return [str(x) for x in found] if isinstance(found, list) else []


# The second vote (retrieval.py) answers only with a reading the cues also hold: the best example's entry,
# ahead of the runner-up by RESCUE_MARGIN (a share of its score), scored by its own cues at least
# RESCUE_CUE_FLOOR and ranked first by them. Switched on only where a never-tuned set shows no more wrong
# answers with it than without (README, « Measured »).
RESCUE = True
HUMAN_REQUEST = 2.0  # the weight of « échanger avec un agent » cues (rules/data/knowledge/frames.yaml)
RESCUE_MARGIN = 0.3
RESCUE_CUE_FLOOR = 1.0
# Readings offered (« Vouliez-vous dire … ») when nothing is answered: the cues' best guesses, then the
# entries whose examples come within CHOICE_SHARE of the best one; at most MAX_CHOICES.
CHOICE_SHARE = 0.75
# An entry that addresses the asked point replaces one that does not when its own cues scored this much.
SLOT_FLOOR = 1.0
MAX_CHOICES = 3


def _family_ok(analysis: Analysis, entry_id: str) -> bool:
    if entry_id == retrieval.HANDOVER:
        return False
    family = entry(entry_id).family
    # The bot's entries only for a question about using the bot.
    return family == analysis.family or (family == "bot" and analysis.about_bot)


def _rescue(analysis: Analysis, vote: retrieval.Vote) -> str | None:
    best = vote.best
    if best is None or not _family_ok(analysis, best) or vote.margin() < RESCUE_MARGIN:
        return None
    if analysis.about_bot and entry(best).family != "bot":
        return None  # a question about using the bot is not answered by a legal entry alone
    if analysis.unknown_words and len(analysis.unknown_words) > 1:
        return None
    ranked = sorted(analysis.scores.items(), key=lambda item: -item[1])
    if not ranked or ranked[0][0] != best or ranked[0][1] < RESCUE_CUE_FLOOR:
        return None
    return best


def _choices(analysis: Analysis, vote: retrieval.Vote) -> list[str]:
    choices = list(analysis.suggestions)
    if vote.best is not None and vote.best != retrieval.HANDOVER:
        top = vote.ranked[0][1]
        for entry_id, value in vote.ranked:
            if value < CHOICE_SHARE * top:
                break
            if _family_ok(analysis, entry_id) and entry_id not in choices:
                choices.append(entry_id)
    return choices[:MAX_CHOICES]


def _address_the_asked_point(analysis: Analysis) -> tuple[Analysis, str | None]:
    """Asked about the cap, a phone number, a future decision…, the answer must state it: the entry that
    does, when its own cues scored, answers first. When no entry that scored states the asked point, the
    neighbours are not an answer: the entries that state it are offered (« Vouliez-vous dire »), or, when
    none does, the question is handed over naming what is not in the data (the point is returned)."""
    if not analysis.topics:
        return analysis, None
    ranked = sorted(analysis.scores.items(), key=lambda item: -item[1])
    outcome: tuple[Analysis, str | None] | None = None
    in_asked = asked_points(analysis.asked.tokens)
    for slot in asked_points(analysis.normalized.tokens):
        if any(_states(t, slot, analysis) for t in analysis.topics):
            continue
        offered = tuple(t for t, v in ranked if _states(t, slot, analysis) and v > 0)[:MAX_CHOICES]
        if outcome is not None:
            if not offered and slot in in_asked:
                # A point no entry that scored states (an unsettled case), said in the asked sentence itself,
                # hands the question over, whatever point before it an entry states (« l'HAD a perdu son
                # autorisation, on continue à toucher les forfaits ? » asks who is paid too). Told in the
                # context of a mail (« elle était chez sa fille »), it does not.
                return replace(analysis, topics=(), suggestions=()), slot
            continue
        serving = [t for t, v in ranked if _states(t, slot, analysis) and v >= RESCUE_CUE_FLOOR]
        if serving and analysis.scores[serving[0]] >= SLOT_FLOOR:
            # The asked point first; the other readings stay (a message may ask more than the point).
            outcome = replace(analysis, topics=(serving[0], *analysis.topics)[:MAX_TOPICS]), None
        else:
            outcome = replace(analysis, topics=(), suggestions=offered), slot
    return outcome if outcome is not None else (analysis, None)


def _states(entry_id: str, slot: str, analysis: Analysis) -> bool:
    """Whether the entry's answer states the asked point for this question (knowledge.py `addresses`)."""
    found = entry(entry_id)
    if slot not in found.addresses:
        return False
    needs = {need for point, need in found.address_needs if point == slot}
    return "region" not in needs or bool(analysis.slots.regions)


_ASKS_AMOUNT = re.compile(
    r"\b(?:combien|cb|total|montant|calcul\w*|somme|touche\w*|represente\w*|forfaits?|ca fait|c est bon|"
    r"correct|juste|exact|ca donne|en euros?|rapporte\w*|percoi\w*|percevoir|percevr\w*|chiffr\w*|"
    r"quelle part|qui a raison)\b"
)


_ASKS_SUM = re.compile(r"\b(?:combien|cb|cmb|total|au total|montant total|ca fait|somme|on en est a)\b")
# « … → tot ? »: « total » clipped, asked at the end (« tôt » folds alike: only before the « ? »).
_TOTAL_CLIPPED = re.compile(r"\btot\s*\?")
# The user's own working (« 320 + 6x120 on est d'accord ? », « donc 320 + 3x120 = 680 ? »): a sum to check.
# (a one-digit count only before « = »: « on facture 2x120 par mois c bien ça ? » claims a per-session fee)
_WORKING = re.compile(r"\b\d{2,4} ?(?:\+ ?\d+ ?)?[x*×] ?\d{2,4}\b|\b\d ?[x*×] ?\d{2,4} ?=|\b\d{3} ?\+ ?\d")
# « puis tous les 21j », « toutes les 3 semaines »: care told by its rhythm from a first day.
_CADENCE = re.compile(r"\b(?:tou(?:te)?s les \d+ ?(?:j|jours?|sem\w*)|chaque mois|tous les mois)\b")
_ASKS_WHEN = re.compile(
    r"\b(?:quand|(?:en |a |pour |sur )?quelle (?:annee|date)|(?:en |sur |a )?quel exercice|quel delai"
    r"|a partir de quand)\b"
)

_SEVERAL_PATIENTS = re.compile(
    r"\b(?:[2-9]|[1-9]\d+) (?:nouveaux |nouveau |nouvelles |nouvelle |autres )?"
    r"(?:patient|malade|inclusion)s?\b"
)


def _foreign_words(analysis: Analysis, params: Parameters) -> list[str]:
    """The asked sentences' specific words that the chosen entries do not know; a computation read by the
    timeline and a question about the bot are judged by their own readers."""
    if not analysis.topics or analysis.topics == ("forfait_compute",) or analysis.about_bot:
        return []
    asked = focus(analysis.question)
    names = proper_names(asked)
    tokens = normalize(asked, question_words(params), ordinary() | frozenset(names)).tokens
    return coverage.uncovered(tokens, list(analysis.topics), names, params)


def _asks_total_for_several(text: str) -> bool:
    asks_total = re.search(r"\b(?:total|au total|en tout)\b", text) is not None
    return asks_total and _SEVERAL_PATIENTS.search(text) is not None


def _timeline_first(analysis: Analysis, today: date) -> Analysis:
    """A question that asks an amount and describes months of care the timeline reader takes whole is a
    computation, whatever entry its words also call up (« 1re perfusion le 28/02 … forfaits ? »)."""
    folded = fold(analysis.question)
    # « … = ? »: a sum asked as an equation; « 320 + 6x120 on est d'accord ? »: the user's working.
    if (
        not _ASKS_AMOUNT.search(analysis.normalized.text)
        and not re.search(r"=\s*\?", analysis.question)
        and not _WORKING.search(folded)
        and not _TOTAL_CLIPPED.search(folded)
    ):
        # « 4 nouveaux pts avec leur 1re adm en septembre → 1280 € pour sept, je me trompe pas ? »: months of
        # care read whole with a sum put to the test is a computation, no amount asked in so many words.
        reading = clauses.read(analysis.question, today)
        if reading is None or reading.stated_total is None:
            return analysis
        return replace(analysis, topics=("forfait_compute",), suggestions=())
    if _ASKS_WHEN.search(fold(focus(analysis.question))):
        # « combien de forfaits pour 2026 et ils tombent quand ? »: the sum asked too, over months read whole:
        # the total, then the year it is paid.
        if _ASKS_SUM.search(analysis.normalized.text) and clauses.read(analysis.question, today) is not None:
            return replace(analysis, topics=("forfait_compute", "forfait_payment"), suggestions=())
        return analysis  # « … en quelle année ce montant sera-t-il versé ? »: a date about the amount
    if clauses.read(analysis.question, today) is None:
        # (An entry that rules the computation out — a referral before the selection — keeps the question.)
        rules_out = any("forfait_compute" in topic_by_id()[t].supersedes for t in analysis.topics)
        told = timeline.months_told(analysis.question, today)
        if not rules_out and (
            (_ASKS_SUM.search(analysis.normalized.text) and (told >= 2 or (told and _CADENCE.search(folded))))
            or _WORKING.search(folded)
        ):
            # A sum asked over months the reader could not take whole (« …, prochaine le 3/12 : on en est à
            # combien ? »): still a computation — the count path decides, or a person — never the entry on
            # empty months or on sessions that its words also call up.
            return replace(analysis, topics=("forfait_compute",), suggestions=())
        return analysis
    return replace(analysis, topics=("forfait_compute",), suggestions=())


@cache
def _labels() -> dict[str, str]:
    return {fold(label(e.id)).strip(" ?"): e.id for e in load_knowledge().entries}


def _chosen_by_label(question: str, analysis: Analysis) -> str | None:
    """A reading picked among the offered ones comes back as its label (« question Plafond du forfait
    mensuel »): that entry is answered."""
    if analysis.topics and len(analysis.topics) == 1:
        return None
    return _labels().get(fold(" ".join(question.split())).strip(" ?"))


# Scored this much, an entry not chosen may still check the value a yes/no question states (« l'art 51 c'est
# 3 ans max comme l'art 50 ? »: the difference is answered, and the duration checked).
PREMISE_FLOOR = 1.0
PREMISE_DOMINANCE = 1.5


def _premise_reading(analysis: Analysis, params: Parameters) -> str | None:
    """The best-scoring reading, when the cues abstained only for want of score and the question states
    one value of the kind that reading checks (kept narrow: the best reading only, above PREMISE_FLOOR and
    at least twice the runner-up, every word understood)."""
    ranked = sorted(analysis.scores.items(), key=lambda item: -item[1])
    if not ranked or analysis.unknown_words:
        return None
    best, value = ranked[0]
    second = ranked[1][1] if len(ranked) > 1 else 0.0
    if value < PREMISE_FLOOR or value < PREMISE_DOMINANCE * second:
        return None
    found = premise.check([entry(best)], analysis.normalized.tokens, params, guess=analysis.guess)
    return best if found is not None else None


# Kinds of stated value that name their subject by themselves: « 5 ans » is a duration whatever else is said.
# (An amount, a date or a year may be any of several things: the inclusion or the monthly fee, the start or
# the end.)
_SELF_NAMING_KINDS = ("years", "count")


def _sole_checker(analysis: Analysis, params: Parameters) -> str | None:
    """« c'est bien 5 ans comme les art 51 notre expé ? »: a yes/no question stating a duration (or a count)
    that only one entry of its frame checks is about that entry, though no cue named it."""
    if analysis.unknown_words or analysis.about_bot:
        return None
    tokens = analysis.normalized.tokens
    for kind in _SELF_NAMING_KINDS:
        checkers = [
            e
            for e in load_knowledge().entries
            if e.family == analysis.family and any(k == kind for k, _ in e.premise)
        ]
        if len(checkers) == 1 and premise.check(checkers, tokens, params, guess=analysis.guess) is not None:
            return checkers[0].id
    return None


def _premise(analysis: Analysis, params: Parameters, today: date) -> premise.Premise | None:
    found = _stated_premise(analysis, params)
    per_session = "forfait_per_session" in analysis.topics or (
        analysis.scores.get("forfait_per_session", 0.0) >= ANSWER_THRESHOLD
    )
    if found is not None and found.holds and per_session:
        # « le mensuel c'est 120 € par séance, donc 3 cures = 360 €, c'est juste ? »: the amount is right and
        # the claim wrong; the per-session entry's own verdict answers the claim, never « Oui : 120 € ».
        return None
    if found is not None and found.kind == "amount" and stated_tariffs(analysis.normalized.tokens):
        # « HDJ 410 €, HAD 330 € : le forfait de 120 € respecte-t-il le plafond ? »: the amount named is the
        # subject; the tariffs' gap gives the verdict (answer.py `_cap_monthly`), never « Oui : 120 € ».
        return None
    if found is not None and found.kind == "amount" and analysis.topics[:1] == ("forfait_compute",):
        # « … ça fait 4x120 = 480 € c'est bien ça ? »: the sum put to the test is the total's, checked by the
        # reading (« Non : le total est de 680,00 € »), never a fee's amount (« pas 480 € »).
        reading = clauses.read(analysis.question, today)
        if reading is not None and reading.stated_total is not None:
            return None
    return found


def _stated_premise(analysis: Analysis, params: Parameters) -> premise.Premise | None:
    chosen = [entry(t) for t in analysis.topics]
    others = [
        entry(t)
        for t, value in sorted(analysis.scores.items(), key=lambda item: -item[1])
        if t not in analysis.topics and value >= PREMISE_FLOOR
    ]
    # A year is checked only against a chosen entry: years are named in many questions for other reasons; so
    # is a payee (« le forfait versé aux établissements est de 115 € par séance, c'est bien cela ? » asks the
    # per-session amount: the right payee told in passing is no « Oui »).
    others = [e for e in others if all(kind not in {"year", "payee"} for kind, _ in e.premise)]
    if any("date" in e.intents for e in chosen):
        # « le 1er rapport de suivi c'est le 1er septembre 2026 ? »: the chosen entry answers dates itself; a
        # date checked against a neighbour's (the initial report's October) would answer another question.
        others = [e for e in others if all(kind != "date" for kind, _ in e.premise)]
    if chosen:
        # A route is checked only when the treatment's scope is among what is asked: « 3 perfusions en mars,
        # un seul forfait ? » tells the route, and asks per session.
        others = [e for e in others if all(kind != "route" for kind, _ in e.premise)]
    if analysis.about_bot or analysis.guess:
        # (a value put forward at the end is one of what is asked: « combien de HAD max ? 2 ? » is not checked
        # against the number of establishments per region)
        others = []  # a figure in a question about the bot (« 12/03/26 ça passe ? ») is no legal premise
    # A cap checks a stated value only when the cap is asked: « le forfait d'inclusion est de 360 € ? » states
    # the amount (320 €), and 360 € being the cap makes it no less wrong.
    if "cap" not in asked_points(analysis.normalized.tokens):
        chosen = [e for e in chosen if "cap" not in e.addresses]
        others = [e for e in others if "cap" not in e.addresses]
    said_of = _article_said_of(analysis.normalized.tokens) if analysis.mixed_families else None
    if said_of is not None:
        # « l'expé art 50 dure 5 ans ? j'ai lu ça à propos des art 51 »: the value is said of article 50, the
        # article named last before it; it is checked against that frame's entries only (their parameters).
        chosen = [e for e in chosen if e.family == said_of]
        others = [e for e in others if e.family == said_of]
        listed = chosen + others
        others += [
            e for e in load_knowledge().entries if e.family == said_of and e.premise and e not in listed
        ]
    drugs = load_drugs().by_name
    scopes = tuple(drugs[name].in_scope for name in analysis.normalized.drugs)
    if scopes and not any(scopes) and "oral" in analysis.normalized.tokens:
        # « thérapie ciblée orale (palbociclib) …, on peut facturer le forfait mensuel ? »: a drug taken by
        # mouth named and the forfait asked: whether it counts is the point, whichever entry scored first.
        chosen = sorted(chosen, key=lambda e: all(kind != "route" for kind, _ in e.premise))
    norm = analysis.normalized
    limit = _year_put_as_limit(norm.tokens)
    if limit and premise.asks_yes_or_no(norm.tokens):
        # « l'expé dure 5 ans comme les art 51, donc on a jusqu'en 2030 ? »: the conclusion put to the test is
        # the year the experiment runs to, whatever the reasoning before it (article 51's 5 years are true).
        # (the entries that check the end's year, from the data: no entry named here)
        enders = [e for e in load_knowledge().entries if ("year", "param.experiment_end") in e.premise]
        ending = premise.check(enders, limit, params)
        if ending is not None and not ending.holds:
            return ending
    found = premise.check(
        chosen + others,
        norm.tokens,
        params,
        scopes,
        norm.own_tokens,
        analysis.asked.tokens,
        analysis.guess,
        analysis.granted,
    )
    if found is not None or analysis.guess:
        return found
    if premise.asks_yes_or_no(norm.tokens):
        # « le comité se tient-il bien la semaine du 18 juin ? Et l'ARS transmet-elle sa liste à la DGOS d'ici
        # le 30 juin ? »: two dates, each put to the test in its own question, of the step it names.
        pieces = (
            premise.check(chosen + others, p, params, scopes, p, p)
            for p in _yes_no_pieces(analysis.question, params)
        )
        return next((f for f in pieces if f is not None and f.named), None)
    # « … me demande jusqu'à quand court l'expérimentation. J'ai noté le 5 février 2027, est-ce exact ? »: the
    # open word is in the context told; the sentence asked is yes or no, and states the value.
    asked = analysis.asked.tokens
    if asked != norm.tokens and premise.asks_yes_or_no(asked):
        found = premise.check(chosen + others, asked, params, scopes, asked, asked)
        if found is not None and found.kind != "route":
            return found
    # « l'expé finit bien le 5 février 2028 ? il nous reste cb de jours ? »: a yes/no question stating a
    # value, apart from an open one; the value is put to the test in its own question (the open one is
    # answered too).
    for piece in _yes_no_pieces(analysis.question, params):
        found = premise.check(chosen + others, piece, params, scopes, piece, piece)
        if found is not None and found.kind != "route":
            return found
    return None


_LIMIT_WORDS = frozenset({"jusqu", "mene", "menera", "continuer", "prolonger"})


def _year_put_as_limit(tokens: tuple[str, ...]) -> tuple[str, ...]:
    """« … jusqu'en 2030 ? », « ça nous mène à 2030 »: a year put as how long the experiment runs, said
    back as the short claim the year reader of premise.py takes (« ça finit en 2030 »); else nothing. (A
    bounded look back from each year: linear.)"""
    for k, token in enumerate(tokens):
        if k and (tokens[k - 1] in MONTH_WORDS or tokens[k - 1].isdigit()):
            # « perf tous les mois jusqu'à déc 2026 », « plus rien jusqu'au 1/6 (2027) »: a month or a day of
            # care, not the experiment's end
            continue
        if token.isdigit() and len(token) == 4 and any(t in _LIMIT_WORDS for t in tokens[max(0, k - 4) : k]):
            return ("ca", "finit", "en", token)
    return ()


_QUESTION_PIECES = re.compile(r"[^?]+\?|[^?]+\Z")
MAX_PIECES = 6  # a message asks a few questions; more are read no further (bounded work on hostile input)


def _yes_no_pieces(question: str, params: Parameters) -> list[tuple[str, ...]]:
    """The questions of a message of several that ask yes or no and hold a figure, as normalised tokens."""
    pieces = _QUESTION_PIECES.findall(question)
    if len(pieces) < 2:
        return []
    vocab = question_words(params)
    out: list[tuple[str, ...]] = []
    for piece in pieces[-MAX_PIECES:]:
        tokens = normalize(piece, vocab).tokens
        if any(t.isdigit() for t in tokens) and premise.asks_yes_or_no(tokens):
            out.append(tokens)
    return out


def _article_said_of(tokens: tuple[str, ...]) -> str | None:
    """The frame (« art50 » or « art51 ») named last before the first other number of a question that names
    both: the one a stated value is said of; None when no article is named before a number."""
    named: str | None = None
    for i, token in enumerate(tokens):
        if token in {"50", "51"} and i > 0 and tokens[i - 1] in {"article", "art"}:
            named = f"art{token}"
        elif token.isdigit():
            return named
    return None


def _handover(
    analysis: Analysis,
    data: dict[str, object],
    masked: bool,
    key: str | None,
    composition: Composition | None = None,
) -> Reply:
    body: list[str] = []
    if masked:
        body.append(t("privacy.nir_masked"))
    if composition is not None:
        body.extend(composition.body)
    if key is not None:
        body.append(t(key))
    actions: list[Action] = []
    if key == "handover.own_data":
        years = [t for t in analysis.normalized.tokens if t.isdigit() and len(t) == 4]
        actions = [Action(label=f"forfaits {y}", command=f"forfaits {y}") for y in years[:1]]
        actions += [Action(label="forfaits", command="forfaits"), Action(label="bilan", command="bilan")]
    if analysis.suggestions and key in {"handover.not_understood", "handover.beyond_entries"}:
        # « Vouliez-vous dire … »: the close readings, numbered, then « none: a person »; channel-neutral
        # (`data["choices"]`, one action each: Slack shows buttons, the console takes the number).
        choices: list[dict[str, str | None]] = [
            {"entry": s, "label": label(s), "command": f"question {label(s)}"} for s in analysis.suggestions
        ]
        asked = " ".join(analysis.question.split())
        choices.append(
            {
                "entry": None,
                "label": t("choices.none"),
                "command": f"question {t('choices.none_command')} {asked}",
            }
        )
        body.append(t("choices.intro"))
        body.extend(t("choices.item", number=i, label=c["label"]) for i, c in enumerate(choices, 1))
        body.append(t("choices.pick", last=len(choices)))
        data["choices"] = choices
        actions = [Action(label=str(c["label"]), command=str(c["command"])) for c in choices]
    else:
        body.append(t("handover.to_agent"))
    return Reply(
        status=Status.UNKNOWN,
        title=t("title.choices" if "choices" in data else "title.unknown"),
        body=body,
        actions=actions,
        needs_human=True,
        data=data,
    )
