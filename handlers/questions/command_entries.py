"""The bot's own knowledge, generated from the command registry: one question entry per command, at load time.

A question about using the bot (« comment on rentre notre cible d'adressages dans le bot ? ») is answered with
the command that does it, as `aide` shows it: its usage, its help, and the roles that may run it. Nothing of
it is typed in the knowledge files: each command spec (verb, sub-command, aliases, usage, help) yields an
entry whose cues are its own words, so that a new or renamed command is understood with no data change.

- Cues are the meaningful words of the command's name (verb, sub-command, aliases) and of its help and usage
  text, written as the question is normalised (the cue compiler folds and stems them). A word counts by how
  few commands share it (an inverse document frequency over the registry): « cible » names one command,
  « site » twenty. A word of the name weighs more than a word of the help.
- Derived forms (« annulation » for « annuler », « éligible » for « éligibilité ») share their first
  `PREFIX` letters: each long word is also a prefix cue, worth half, the exact word the other half.
- Named outright (« la commande forfaits », « /expe50 membre ajouter »), a command is that command.
- Example phrasings for the retrieval vote are the help text and the command's names.
- Entries are of the `bot` family: they are scored only for a question about using the bot (the `bot_usage`
  cues of rules/data/knowledge/bot.yaml), so that a legal question is never captured by a command.

The hand-written cross-cutting how-tos (correct vs cancel, late entry, access, export) stay in bot.yaml and
name the commands they use; the loader checks that those commands exist (knowledge.py).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Iterable
from functools import cache
from typing import TYPE_CHECKING

from handlers.questions.knowledge import Answer, Entry
from handlers.questions.normalize import FUNCTION_WORDS, fold, normalize

if TYPE_CHECKING:
    from handlers.registry import CommandSpec

# The weight of a word that names one command only; shared words weigh less (idf, 0..1].
NAME_WEIGHT = 2.5  # verb, sub-command, alias
TEXT_WEIGHT = 1.2  # a word of the help or the usage
# Named outright (« la commande forfaits », « /expe50 membre ajouter »): that command.
NAMED_WEIGHT = 3.0
# A word and its derived forms share their first PREFIX letters (annul-er / annul-ation).
PREFIX = 5
FILE = "(registre des commandes)"
# The asked point a command's answer states (frames.yaml `slots`): asked to act (« je veux annuler
# l'adressage A-7K3QX »), the bot tells the command that does it, which the asker runs.
ADDRESSES = ("action_request",)  # where a generated entry comes from, in messages about it


def entry_id(spec: CommandSpec) -> str:
    """`cmd_etablissement_cible`: the id of the entry of a command (its label is the command's name)."""
    return "cmd_" + re.sub(r"[^a-z0-9]+", "_", fold(spec.name)).strip("_")


@cache
def _function_stems() -> frozenset[str]:
    """Function words as the normaliser leaves them (« dans » is read « dan »): never a command's word (the
    help's « dans le même fil » made « dans » a cue of « repondre »)."""
    return FUNCTION_WORDS | frozenset(t for w in FUNCTION_WORDS for t in normalize(w).tokens)


def words_of(text: str, everyday: frozenset[str] | set[str] = frozenset()) -> list[str]:
    """The meaningful words of a text, normalised as a question is (folded, abbreviations and synonyms,
    plurals: « payées » and « rémunéré » both give « paye »), without function words, `everyday` words,
    figures and placeholders' punctuation (« <FINESS géo> » gives « fine », « geo »)."""
    out: list[str] = []
    for word in normalize(text).tokens:
        if len(word) < 3 or any(c.isdigit() for c in word) or word in _function_stems():
            continue
        if word not in everyday:
            out.append(word)
    return list(dict.fromkeys(out))


def naming_words(specs: Iterable[CommandSpec]) -> tuple[frozenset[str], frozenset[str]]:
    """The words a user names a command by: its verb, sub-command and aliases (« rappels », « membre
    retirer », « courriels »), and the keys of its yes/no switches (« tableau=oui »: « en tableau »). Both as
    a question is normalised. The switches' keys are often everyday words (« tableau »): kept apart, so that
    the caller may take them although it leaves out everyday words."""
    from handlers.registry import Kind

    names: set[str] = set()
    switches: set[str] = set()
    for spec in specs:
        if spec.verb.startswith("_"):
            continue
        names.update(words_of(" ".join((spec.verb, spec.sub or "", *spec.aliases))))
        switches.update(w for p in spec.options if p.kind == Kind.YES_NO for w in words_of(p.name))
    return frozenset(names), frozenset(switches)


def _prefixed(words: list[str]) -> set[str]:
    """A document's words and the prefixes of its long words (« annul* »), each counted for the idf."""
    return set(words) | {w[:PREFIX] + "*" for w in words if len(w) > PREFIX}


def _idf(documents: list[set[str]]) -> Callable[[str], float]:
    """How few documents hold a word (or a prefix), in (0, 1]: 1 for a word of one document."""
    frequency = Counter(word for doc in documents for word in doc)
    scale = math.log(len(documents) + 1)
    return lambda word: math.log((len(documents) + 1) / max(1, frequency[word])) / scale


def _cues(
    name: list[str], text: list[str], name_idf: Callable[[str], float], text_idf: Callable[[str], float]
) -> dict[str, float]:
    """The cue table: each word its weight (name beats text); a long word split between itself and its
    prefix, so that a derived form counts half (as rare as the prefix is: « saisi* » is in many helps) and
    the word itself counts whole."""
    cues: dict[str, float] = {}
    for words, base, idf in ((text, TEXT_WEIGHT, text_idf), (name, NAME_WEIGHT, name_idf)):
        for word in words:
            if len(word) > PREFIX:
                # A prefix is as rare as it is across every command's words, names and helps alike.
                prefix = word[:PREFIX] + "*"
                cues[word] = max(cues.get(word, 0.0), round(base * idf(word) / 2, 3))
                cues[prefix] = max(cues.get(prefix, 0.0), round(base * text_idf(prefix) / 2, 3))
            else:
                cues[word] = max(cues.get(word, 0.0), round(base * idf(word), 3))
    return cues


def command_entries(
    specs: Iterable[CommandSpec],
    say: Callable[[str], str | None],
    everyday: frozenset[str],
    generic: frozenset[str] = frozenset(),
) -> tuple[Entry, ...]:
    """One entry per command of the registry (`say(key)` gives a template's text, None when there is none;
    `everyday`: the words that name nothing; `generic`: the words that say a question is about using the
    bot, « bot », « commande », « saisir », not which command). Internal commands (a verb starting with `_`)
    are left out, as `aide` leaves them out."""
    common = {w for cue in generic for w in words_of(cue)}
    everyday = everyday | common
    chosen = [s for s in specs if not s.verb.startswith("_")]
    # The registry maps an alias to the verb: it names every sub-command of that verb.
    aliases: dict[str, list[str]] = {}
    for spec in chosen:
        aliases.setdefault(spec.verb, []).extend(spec.aliases)
    names: dict[str, list[str]] = {}
    texts: dict[str, list[str]] = {}
    helps: dict[str, str] = {}
    for spec in chosen:
        key = entry_id(spec)
        # The verb counts as the command's name unless it is an everyday word (« patients », « aide »: in most
        # questions), and so does the sub-command unless it is also a generic act of using the bot (« rapport
        # saisir »: « saisir » does not name it); those weigh as words of the help. An alias counts as any
        # word (« aidez-moi »: not « moi »).
        verb = words_of(spec.verb)
        sub = words_of(spec.sub or "")
        called = [*verb, *sub]
        weak = {w for w in verb if w in everyday - common} | {w for w in sub if w in everyday}
        names[key] = [w for w in called if w not in weak] + words_of(" ".join(aliases[spec.verb]), everyday)
        help_text, usage = say(spec.help) or "", say(spec.usage) or spec.name
        helps[key] = help_text
        # Everyday words (« peut », « tout », « oui ») say nothing of what a command does.
        texts[key] = [w for w in called if w in weak] + words_of(f"{help_text} {usage}", everyday)
    name_idf = _idf([_prefixed(words) for words in names.values()])
    text_idf = _idf([_prefixed(names[k] + texts[k]) for k in names])

    entries: list[Entry] = []
    for spec in chosen:
        key = entry_id(spec)
        cues = _cues(names[key], texts[key], name_idf, text_idf)
        called = [spec.name] if spec.sub else [spec.verb, *aliases[spec.verb]]
        for name in (n for n in called if words_of(n)):
            cues[f"commande {name}"] = cues[f"expe50 {name}"] = NAMED_WEIGHT
        examples = tuple(x for x in (helps[key], " ".join((spec.name, *spec.aliases))) if x)
        entries.append(
            Entry(
                id=key,
                file=FILE,
                family="bot",
                intents=("how", "yesno", "who", "what"),
                cues=cues,
                examples=examples,
                answer=Answer(commands=(spec.name,)),
                addresses=ADDRESSES,
            )
        )
    return tuple(entries)
