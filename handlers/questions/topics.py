"""What a question is about: a scored model of features over the normalised tokens.

Each topic has cues (words or phrases, written plainly and normalised like the question) with weights. A cue
is a phrase matched as consecutive tokens; `a & b` matches when all the words occur anywhere; a word ending
in `*` matches as a prefix. The score of a topic is the sum of its matched cues, plus a small bonus when the
question's intent (amount, date, who...) is one the topic answers. Topics belong to a family: article 50 (the
default) or article 51, so that the two are never mixed.

The lexicons describe concepts, not sentences: they are meant to recognise questions never seen before.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import TYPE_CHECKING

from handlers.questions.command_entries import FILE as GENERATED
from handlers.questions.knowledge import (
    Family,
    Intent,
    answer_conditions,
    expand,
    expanded,
    load_knowledge,
)
from handlers.questions.normalize import fold, raw_tokens, stem
from handlers.questions.ordinary import ORDINARY_WORDS

if TYPE_CHECKING:
    from rules.parameters import Parameters

__all__ = ["Family", "Intent", "Topic"]


@dataclass(frozen=True)
class Topic:
    """The scoring view of a knowledge entry (rules/data/knowledge/*.yaml); cues still hold placeholders."""

    id: str
    cues: dict[str, float]
    family: Family = "art50"
    intents: tuple[Intent, ...] = ()
    # Topics this one makes redundant when both are found (a specific question beats the general one).
    supersedes: tuple[str, ...] = ()
    # Cues that pull away from this topic (subtracted).
    against: dict[str, float] = field(default_factory=dict)
    # Written in rules/data/knowledge (not generated from a command of the registry).
    written: bool = True


@cache
def topic_by_id() -> dict[str, Topic]:
    """Every entry's scoring view, by id. Built on first use, not at import: the entries include one per
    command of the registry, and the commands import the answerer."""
    return {
        e.id: Topic(e.id, e.cues, e.family, e.intents, e.supersedes, e.against or {}, e.file != GENERATED)
        for e in load_knowledge().entries
    }


# Intent cues: a small bonus for topics that answer this kind of question.
INTENT_CUES: dict[Intent, tuple[str, ...]] = {
    "amount": ("combien", "montant", "tarif", "prix", "euro", "somme", "valeur", "a combien"),
    "date": (
        "quand",
        "date",
        "delai",
        "jusqu a quand",
        "echeance",
        "calendrier",
        "quel jour",
        "avant quel",
        "quelle annee",
        "quel mois",
        "quelle periode",
        "combien de jour",
    ),
    "who": ("qui", "a qui", "lequel", "laquelle"),
    "count": ("combien de", "nombre", "maximum", "minimum"),
    "how": ("comment", "de quelle facon", "de quelle maniere", "procedure", "demarche"),
    "yesno": (
        "est ce que",
        "peut on",
        "peut il",
        "peut elle",
        "est il",
        "est elle",
        "a t on",
        "y a t il",
        "sont ils",
        "sont elles",
        "ont ils",
        "ont elles",
    ),
    "what": ("quel", "quelle", "quoi", "c est quoi", "qu est ce"),
    # What follows from a case: the consequence angle ("que se passe-t-il si on n'envoie pas le rapport ?").
    "whatif": (
        "que se passe",
        "qu arrive t il",
        "quelle consequence",
        "en cas de",
        "que risque",
        "risque t on",
    ),
}

# Everyday words of questions and emails that carry no topic: they never count against understanding.
_NEUTRAL_TEXT = """
    ok okay daccord
    cancerologie decide decider intervient entre entrer sortir fixe fixee fixer inclure inclus
    permet permets permettre solliciter sollicite attente veuillez agreer salutation salutations distinguee
    distinguees respectueuse respectueuses sentiment sentiments expression consideration remerciant
    souhaiterait souhaiterions souhaitons perdu perdue confus confuse
    doute hesite hesitons ecris ecrire ecrit contacte
    partie part petite petit question questions simple rapide juste merci exemple exemples concret
    vraiment bien compris comprendre comprend lire lu vu voir regarde trouve cherche
    nous vous on il elle ils elles patiente patientes notre nos votre vos leur leurs
    a ai aie aient aies ait alors au aucun aucune aupres aussi autre autres aux avais avait avant avec
    avez avoir avons ayant bah bien bon bonne c ca car ce ceci cela celle celles celui cependant certain
    ces cet cette ceux chaque chez ci comme comment concernant d dans de des deja depuis dois doit
    doivent donc dont du durant e elle elles en encore entre es est et etaient etait etant ete etes etre
    eu eux faire fait faudrait faut fois font hein ici il ils j je jusqu l la le les leur leurs lors lui
    m ma mais me meme merci mes moi moins mon n ne ni non nos notre nous on ont ou oui par parce pas peu
    peut peuvent peux plus pour pourquoi pourrait pourriez pouvez pouvons pouvoir puis puisque qu quand
    que quel quelle quelles quels qui quoi s sa sans se selon ses si sien soit sommes son sont sous suis
    sur t ta te tes toi ton tous tout toute toutes tres tu un une unes uns vers voila vos votre vous vu
    y cas svp plait salut bonjour madame monsieur cordialement question questions savoir voudrais
    voudrions souhaite souhaiterais souhaiterions aimerais aimerions demande demander demandais
    renseignement renseigner information preciser precision confirmer confirmation dire indiquer
    expliquer besoin aide aider merci avance remercie exactement vraiment bien donc alors actuellement
    aujourd hui maintenant svp etablissement hopital centre hospitalier ch chu clinique service equipe
    nous notre nos patient patiente malade personne had hdj hospitalisation domicile jour cancer
    oncologie traitement experimentation dispositif forfait mois annee an ans jour semaine date cela ca
    possible possibilite droit ouvrir ouvre donner donne prevoir prevu fonctionne marche applique
    appliquer valable vaut concerne concernant cadre niveau regle regles rappel rappeler coup rapide
    petite petit docteur dr pr professeur cadre sante direction directeur directrice daf medecin infirmier
    infirmiere ide ars region cher chere collegue collegues tout monde premier deuxieme troisieme
    dernier derniere savoir sais sait connaitre connait vouloir veux veut voulons voulez desole excuse
    excusez pardon euh ok accord s il vous te stp s il plait merci beaucoup retour reponse repondre rep
    aller va vont allons serait seront sera serons seriez ete avoir eu fait faites faisons mettre met
    mis prendre pris prend charge prise passer passe venir vient arrive arriver adresser adresse envoyer
    envoye recevoir recu
"""
NEUTRAL_WORDS = frozenset(_NEUTRAL_TEXT.split())


@dataclass(frozen=True)
class Cue:
    """A cue after normalisation: either a phrase (consecutive tokens) or a set of words anywhere."""

    words: tuple[str, ...]
    anywhere: bool
    weight: float
    # Derived once (matching runs for every cue of every entry on every question): the unstarred words, and
    # the starred ones without their star.
    plain: frozenset[str] = field(init=False, repr=False, compare=False)
    starred: tuple[str, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "plain", frozenset(w for w in self.words if not w.endswith("*")))
        object.__setattr__(self, "starred", tuple(w[:-1] for w in self.words if w.endswith("*")))


def _normalise_words(text: str) -> tuple[str, ...]:
    # The same folding and stemming as the question, but no typo correction (lexicons are spelt right).
    from handlers.questions.normalize import ABBREVIATIONS

    out: list[str] = []
    for piece in text.split():
        # A star ends any word of a phrase (« presence* medical* », « financ* un poste »), not only the last:
        # the tokeniser drops it, so each piece keeps its own.
        words = [
            stem(word)
            for token in raw_tokens(fold(piece.rstrip("*")))
            for word in ABBREVIATIONS.get(token, token).split()
        ]
        if piece.endswith("*") and words:
            words[-1] += "*"
        out.extend(words)
    return tuple(out)


def _starred(part: str) -> tuple[str, ...]:
    words = _normalise_words(part.rstrip("*"))
    return (*words[:-1], words[-1] + "*") if part.endswith("*") and words else words


def compile_cues(cues: dict[str, float]) -> tuple[Cue, ...]:
    compiled: list[Cue] = []
    for spec, weight in cues.items():
        if "&" in spec:
            words = tuple(w for part in spec.split("&") for w in _starred(part.strip()))
            compiled.append(Cue(words, True, weight))
        else:
            star = spec.endswith("*")
            words = _normalise_words(spec.rstrip("*"))
            if star and words:
                words = (*words[:-1], words[-1] + "*")
            compiled.append(Cue(words, False, weight))
    return tuple(compiled)


@lru_cache(maxsize=8)
def compiled_topics(params: Parameters | None = None) -> dict[str, tuple[Cue, ...]]:
    """Each entry's cues, legal values generated from `params` (default: rules/data)."""
    return {key: compile_cues(cues) for key, (cues, _) in expanded(params).items()}


@lru_cache(maxsize=8)
def compiled_against(params: Parameters | None = None) -> dict[str, tuple[Cue, ...]]:
    return {key: compile_cues(against) for key, (_, against) in expanded(params).items()}


@cache
def compiled_out_of_scope() -> tuple[Cue, ...]:
    return compile_cues(load_knowledge().out_of_scope)


@cache
def compiled_out_of_scope_anywhere() -> tuple[Cue, ...]:
    return compile_cues(load_knowledge().out_of_scope_anywhere or {})


@cache
def compiled_human_request() -> tuple[Cue, ...]:
    return compile_cues(load_knowledge().human_request or {})


@cache
def compiled_own_case() -> tuple[Cue, ...]:
    return compile_cues(load_knowledge().own_case or {})


@cache
def compiled_slots() -> dict[str, tuple[tuple[Cue, ...], ...]]:
    """Each asked point's cue groups (frames.yaml `slots`): the point is asked when every group matches."""
    return {
        slot: tuple(compile_cues(group) for group in groups)
        for slot, groups in (load_knowledge().slots or {}).items()
    }


# What the words naming a command (« rappels », « membre », « tableau=oui ») add to the `bot_usage` score, at
# most: half the floor (detect.py BOT_USAGE_FLOOR). Naming a command is not enough (« pour rappel, … », « un
# établissement membre peut-il se retirer ? »): with a written cue (« stop », « couper », « sortir »), the
# question is about the bot.
COMMAND_NAME_USAGE = 1.0


def bot_usage_score(tokens: Sequence[str]) -> float:
    """How surely the question is about using the bot: the written `bot_usage` cues, and at most
    COMMAND_NAME_USAGE for the words naming a command."""
    named = min(COMMAND_NAME_USAGE, score(_command_name_cues(), tokens)[0])
    return score(_written_bot_usage(), tokens)[0] + named


@cache
def _written_bot_usage() -> tuple[Cue, ...]:
    """The `bot_usage` cues of frames.yaml."""
    return compile_cues(load_knowledge().bot_usage or {})


@cache
def _command_name_cues() -> tuple[Cue, ...]:
    """The words that name a command of the registry and no legal entry (generated: a new or renamed command
    is understood with no data change)."""
    from handlers.questions.command_entries import naming_words
    from handlers.registry import registry

    # A word a legal entry uses (« forfaits », « adressage », « rapport ») names its subject, not a command.
    legal = _legal_words()
    # A written single-word cue already counts (« annuler », « saisir »).
    generic = {cue.words[0] for cue in _written_bot_usage() if len(cue.words) == 1}
    names, switches = naming_words(registry.all())
    words = (names - ordinary()) | switches
    chosen = sorted(w for w in words - legal - generic if len(w) >= 4)
    return tuple(Cue((w,), False, COMMAND_NAME_USAGE) for w in chosen)


@cache
def _legal_words() -> frozenset[str]:
    """The words of the legal entries, the out-of-scope cues and the frames' markers."""
    legal: set[str] = set()
    for key, cues in compiled_topics().items():
        if topic_by_id()[key].family != "bot":
            legal.update(w for cue in cues for w in cue.words)
    for cue in (*compiled_out_of_scope(), *compiled_markers("art50"), *compiled_markers("art51")):
        legal.update(cue.words)
    return frozenset(legal)


@cache
def command_words() -> frozenset[str]:
    """The generated `bot_usage` words: they name a command of the registry and no legal entry."""
    return frozenset(cue.words[0] for cue in _command_name_cues())


@cache
def command_namings() -> dict[str, tuple[str, ...]]:
    """Each generated `bot_usage` word (« rappel », « tableau ») -> the ids of the entries of the commands it
    names."""
    from handlers.questions.command_entries import entry_id, naming_words
    from handlers.registry import registry

    named: dict[str, list[str]] = {}
    for spec in registry.all():
        if spec.verb.startswith("_"):
            continue
        names, switches = naming_words([spec])
        # An everyday word (« question », « répondre », « ajouter ») is in too many questions about the bot
        # to name a command (« le bot m'a répondu à côté »): only the generated `bot_usage` words do.
        for word in (names | switches) & command_words():
            named.setdefault(word, []).append(entry_id(spec))
    return {word: tuple(ids) for word, ids in named.items()}


@cache
def compiled_markers(family: Family) -> tuple[Cue, ...]:
    return compile_cues(load_knowledge().markers[family])


@cache
def compiled_intents() -> dict[Intent, tuple[Cue, ...]]:
    return {intent: compile_cues(dict.fromkeys(cues, 1.0)) for intent, cues in INTENT_CUES.items()}


# Acronyms the glossary templates explain (questions.glossary.<word>): vocabulary, not rules.
GLOSSARY = (
    "had", "hdj", "tmsc", "ars", "dgos", "mig", "fir", "fiss", "cpom", "finess", "ami", "smr", "mco", "nir",
    "espic", "clcc", "has", "lfss",
)  # fmt: skip
# The acronyms as the question's tokens read them: plurals are folded there ("dgos" -> "dgo"),
# so matching the written forms missed four of them.
GLOSSARY_TOKENS: dict[str, str] = {stem(word): word for word in GLOSSARY}

_DEFINITION_CUES = (
    "c est quoi", "veut dire", "signifie", "definition", "qu est ce", "signification", "quoi",
    "difference entre",
)  # fmt: skip


@cache
def compiled_definition_cues() -> tuple[Cue, ...]:
    return compile_cues(dict.fromkeys(_DEFINITION_CUES, 1.0))


@cache
def ordinary() -> frozenset[str]:
    """Everyday words understood as they are (never bent into a lexicon word, never counted unknown)."""
    return frozenset(ORDINARY_WORDS | {stem(w) for w in ORDINARY_WORDS})


@cache
def vocabulary() -> frozenset[str]:
    """Every word the lexicons know (stemmed): targets of typo correction, and what counts as understood."""
    words: set[str] = set(NEUTRAL_WORDS) | {stem(w) for w in NEUTRAL_WORDS}
    # The commands' words (« modèle », « tarifs ») are not targets for every question: a legal question
    # holding one stays as unsure as before. A question about the bot understands them (bot_words).
    own = [cues for key, cues in compiled_topics().items() if topic_by_id()[key].family != "bot"]
    groups: list[Iterable[Cue]] = [*own, compiled_out_of_scope()]
    groups += [compiled_markers("art50"), compiled_markers("art51"), *compiled_intents().values()]
    groups += [compiled_human_request(), compiled_own_case()]
    groups += [group for slot in compiled_slots().values() for group in slot]
    # The written cues only: a word naming a command stays unknown to a legal question (bot_words).
    groups += [_written_bot_usage()]
    # The words the answers' conditions look for (« un seul » in a lead): a question is normalised towards
    # them as towards the cues, or « seul » would be read as the lexicon's « seule » and never match.
    groups += [compile_cues(dict.fromkeys(_condition_words(), 1.0))]
    for cues in groups:
        for cue in cues:
            words.update(w for w in cue.words if not w.endswith("*") and not w.isdigit())
    return frozenset(words)


def _condition_words() -> list[str]:
    """The `asks` words of every step condition and lead of the knowledge (legal values left as written)."""
    return [w for cond in answer_conditions() if cond.test == "asks" for w in cond.words if "{" not in w]


@cache
def bot_words() -> tuple[frozenset[str], tuple[str, ...]]:
    """The words and prefixes of the bot's entries (one per command): understood in a question about the
    bot."""
    cues = [
        cue for key, found in compiled_topics().items() if topic_by_id()[key].family == "bot" for cue in found
    ]
    words = frozenset(w for cue in cues for w in cue.words if not w.endswith("*"))
    return words, tuple(sorted({w[:-1] for cue in cues for w in cue.words if w.endswith("*")}))


@cache
def prefixes() -> tuple[str, ...]:
    """The stems of starred cues ("pediatri*"): a word starting so is understood."""
    # The commands' derived-form prefixes (« admin* ») are left out: too short to vouch for a legal word.
    own = [cues for key, cues in compiled_topics().items() if topic_by_id()[key].family != "bot"]
    groups: list[Iterable[Cue]] = [*own, compiled_out_of_scope()]
    found = {w[:-1] for cues in groups for cue in cues for w in cue.words if w.endswith("*") and len(w) > 4}
    return tuple(sorted(found))


def _token_matches(pattern: str, token: str) -> bool:
    return token.startswith(pattern[:-1]) if pattern.endswith("*") else token == pattern


# An adverb French puts between an auxiliary and its participle (« l'expé a bien démarré », « a déjà
# commencé », « est toujours versé »): a cue « a demarre » still reads it.
_AUXILIARIES = frozenset({"a", "ont", "avons", "avez", "est", "sont", "sommes", "etes", "ete"})
_ADVERBS = frozenset({"bien", "deja", "toujours", "vraiment", "donc", "encore", "effectivement"})


def _phrase_at(words: tuple[str, ...], tokens: Sequence[str], at: int) -> bool:
    """The phrase `words` from `tokens[at]` (its first word matched there), word for word; where a word does
    not match right after an auxiliary, one adverb is stepped over."""
    k = at + 1
    for i, w in enumerate(words[1:], 1):
        if (
            k < len(tokens)
            and not _token_matches(w, tokens[k])
            and words[i - 1] in _AUXILIARIES
            and tokens[k] in _ADVERBS
        ):
            k += 1
        if k >= len(tokens) or not _token_matches(w, tokens[k]):
            return False
        k += 1
    return True


def matches(cue: Cue, tokens: Sequence[str], present: frozenset[str] | None = None) -> bool:
    """Whether `cue` occurs in `tokens`; `present` (the set of the tokens) lets most cues be ruled out by a
    set lookup, which keeps a long email fast."""
    if not cue.words:
        return False
    present = frozenset(tokens) if present is None else present
    # Every plain (unstarred) word of the cue must occur somewhere: a cheap test that fails for most cues.
    if not cue.plain <= present:
        return False
    if cue.anywhere:
        # (the plain words are present: only the starred ones are looked for, among the distinct tokens)
        return all(any(t.startswith(stem) for t in present) for stem in cue.starred)
    n = len(cue.words)
    if n == 1 and not cue.starred:
        return True  # a single plain word, present
    first = cue.words[0]
    if not first.endswith("*"):
        # A phrase is tried only where its first word stands (a long email has few such places).
        at = -1
        while True:
            try:
                at = tokens.index(first, at + 1)
            except ValueError:
                return False
            if _phrase_at(cue.words, tokens, at):
                return True
    prefix = first[:-1]
    for start in range(len(tokens) - n + 1):
        if tokens[start].startswith(prefix) and all(
            _token_matches(w, tokens[start + i]) for i, w in enumerate(cue.words[1:], 1)
        ):
            return True
    return False


def score(cues: Iterable[Cue], tokens: Sequence[str]) -> tuple[float, list[str]]:
    total = 0.0
    hits: list[str] = []
    present = frozenset(tokens)
    for cue in cues:
        if matches(cue, tokens, present):
            total += cue.weight
            hits.append(" ".join(cue.words))
    return total, hits


def intents(tokens: Sequence[str]) -> set[Intent]:
    return {intent for intent, cues in compiled_intents().items() if score(cues, tokens)[0] > 0}


@lru_cache(maxsize=4096)
def compiled_asks(words: tuple[str, ...], params: Parameters) -> tuple[tuple[str, tuple[Cue, ...]], ...]:
    """Each cue word/phrase of a step's `asks:` (or a premise's), as written in the data, with its cues."""
    return tuple((w, compile_cues({expand(w, params): 1.0})) for w in words)


def asked_words(words: tuple[str, ...], tokens: tuple[str, ...], params: Parameters) -> list[str]:
    """The cue words/phrases of `words` (as written in the data) that the tokens name."""
    present = frozenset(tokens)
    return [w for w, cues in compiled_asks(words, params) if any(matches(q, tokens, present) for q in cues)]
