"""Turn French as people really type it into a canonical token list.

Users write without accents, in capitals or not, with abbreviations ("chimio", "HAD", "IDF", "1er") and typos.
Every later step (topic scoring, slots) works on the tokens produced here, so the lexicons only need to know
one spelling of each word. Typos are corrected against the vocabulary the lexicons actually use: a word we
would not recognise anyway is left alone rather than bent into a wrong one.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from handlers import health_data
from handlers.questions import frequency, lemmas
from handlers.questions.synonyms import WORDS as SYNONYMS
from handlers.questions.synonyms import rewrite_phrases
from handlers.spoken_numbers import figures
from rules.drugs import load_drugs

# Anything that reads as a NIR is hidden before any other processing, so that no later step (logs, echoes,
# data) can ever hold it; the one screen is handlers.health_data (normalised text, every spelling).
NIR_PLACEHOLDER = health_data.NIR_MASK

# Words that say nothing of the subject: the retrieval vote (BM25 would weigh them by rarity among the
# examples) and the cues generated from the commands' help leave them out.
_FUNCTION_TEXT = """
    le la les l de des du d un une et ou a au aux en c est ce ca cela il elle on nous vous je j pour par
    sur dans se s n ne y t qu que qui quoi mon ma mes notre nos votre vos leur leurs son sa ses me m
    bonjour merci svp cordialement madame monsieur bien alors donc
"""
FUNCTION_WORDS = frozenset(_FUNCTION_TEXT.split())

# Abbreviations and spoken forms, after accents are removed and text lowercased; values may be several words.
ABBREVIATIONS: dict[str, str] = {
    "chimio": "chimiotherapie",
    "chimios": "chimiotherapie",
    "chimiotherapies": "chimiotherapie",
    "ctx": "chimiotherapie",
    "immuno": "immunotherapie",
    "bb": "bebe",  # SMS spelling (« bb de 18 mois »)
    "immunotherapies": "immunotherapie",
    "tms": "tmsc",
    "idf": "ile de france",
    "iledefrance": "ile de france",
    "ara": "auvergne rhone alpes",
    "aura": "auvergne rhone alpes",
    "hdf": "hauts de france",
    "paca": "provence alpes cote d azur",
    "bfc": "bourgogne franche comte",
    "cvl": "centre val de loire",
    "1er": "premier",
    "1ere": "premiere",
    "1eme": "premier",
    "premiere": "premier",
    "2eme": "deuxieme",
    "2e": "deuxieme",
    "2nd": "deuxieme",
    "2nde": "deuxieme",
    "second": "deuxieme",
    "seconde": "deuxieme",
    "3eme": "troisieme",
    "qd": "quand",
    "kd": "quand",
    # « le mm mois »: même (never Madame, written « mme »)
    "mm": "meme",
    "cb": "combien",
    "cmb": "combien",
    "cbien": "combien",
    "pr": "pour",
    "ds": "dans",
    "ts": "tous",
    "ets": "etablissement",
    "etab": "etablissement",
    "etabs": "etablissement",
    "etabl": "etablissement",
    "etablissements": "etablissement",
    "es": "etablissement",
    "pk": "pourquoi",
    "pq": "pourquoi",
    "ki": "qui",
    "koi": "quoi",
    "chak": "chaque",
    "chaq": "chaque",
    "kel": "quel",
    "kelle": "quelle",
    "tjs": "toujours",
    "tjrs": "toujours",
    "bcp": "beaucoup",
    "svp": "s il vous plait",
    "stp": "s il te plait",
    "slt": "salut",
    "mtn": "maintenant",
    "auj": "aujourd hui",
    "aujourdhui": "aujourd hui",
    "ajd": "aujourd hui",
    "rdv": "rendez vous",
    "rapp": "rapport",
    "art": "article",
    "a51": "article 51",
    "art51": "article 51",
    "a50": "article 50",
    "art50": "article 50",
    "expe": "experimentation",
    "expe50": "experimentation",
    "exp": "experimentation",
    "experim": "experimentation",
    "xp": "experimentation",
    "inclu": "inclusion",
    "incl": "inclusion",  # « le forfait d'incl », « incl en fév » (the timeline reads its own words)
    "mensualite": "mensuel",
    "mensuelle": "mensuel",
    "mensuellement": "mensuel",
    "hospit": "hospitalisation",
    "hospi": "hospitalisation",
    "hosp": "hospitalisation",
    "dom": "domicile",
    # « pdt la PEC HAD »: the care, as staff abbreviate it
    "pec": "prise en charge",
    # « le bot peut me préremplir le rapport ? » (not « occup »: « comment calculer le taux d'occup ? » is
    # handed over for its unknown word, and how the rate is computed is not in the texts)
    "preremplir": "pre remplir",
    "prerempli": "pre rempli",
    "preremplie": "pre remplie",
    "eur": "euro",
    "euros": "euro",
    "€": "euro",
    "k€": "millier euro",
    "max": "maximum",
    "maxi": "maximum",
    "mini": "minimum",
    "min": "minimum",
    "nb": "nombre",
    "nbr": "nombre",
    "nbre": "nombre",
    "info": "information",
    "infos": "information",
    "cut": "cutane",
    "subcut": "sous cutane",
    "souscut": "sous cutane",
    "pb": "probleme",
    "diff": "difference",
    "eval": "evaluation",
    "evals": "evaluation",
    "gvt": "gouvernement",
    "gouv": "gouvernement",
    "asso": "association",
    # Drug names (« pembro », « Keytruda », « capecitabine ») are data: rules/data/drugs (see normalize()).
    "ch": "etablissement",
    "chs": "etablissement",
    "pbm": "probleme",
    "cad": "c est a dire",
    "ie": "c est a dire",
    "dr": "docteur",
    "pr.": "professeur",
    "mme": "madame",
    "mr": "monsieur",
    "m.": "monsieur",
    "y'a": "il y a",
    "ya": "il y a",
    "yen": "il y en",
    "ke": "que",
    "kan": "quand",
    # SMS spellings of newcomers (« cé cb le forfé », « jsui nouvo », « cmt je fé »)
    "forfe": "forfait",
    "forfes": "forfait",
    "fe": "fais",
    "jsui": "je suis",
    "nouvo": "nouveau",
    "jvoudrai": "je voudrais",
    "jvoudrais": "je voudrais",
    "kand": "quand",
    "kelles": "quelle",
    "kels": "quel",
    "koment": "comment",
    "cmt": "comment",
    "cmd": "commande",
    "cmde": "commande",
    "pkoi": "pourquoi",
    "pcq": "parce que",
    "pck": "parce que",
    "tt": "tout",
    "tte": "toute",
    "dc": "donc",
    "jsp": "je ne sais pas",
    "jpeux": "je peux",
    "jpeu": "je peux",
    "jveux": "je veux",
    "jdois": "je dois",
    "jsuis": "je suis",
    "chui": "je suis",
    "jme": "je me",
    "jai": "j ai",
    "jfais": "je fais",
    "jfai": "je fais",
    "msg": "message",
    "oki": "ok",
    "vs": "versus",
    "perf": "perfusion",
    "perfs": "perfusion",
    "inj": "injection",
    "injs": "injection",
    "qqch": "quelque chose",
    "qqc": "quelque chose",
    "qqn": "quelqu un",
    "admin": "administration",
    "admins": "administration",
    "modif": "modification",
    "modifs": "modification",
    "remu": "remuneration",
    "conv": "convention",
    "ej": "entite juridique",
    "adm": "administration",
    "onco": "oncologie",
    "oncopediatrie": "oncologie pediatrie",
    "hopital": "etablissement",
    "hopitaux": "etablissement",
    "encaisse": "touche",
    "encaisser": "toucher",
    "encaissons": "touche",
    "empoche": "touche",
    # Future forms: "qui encaissera / empochera les forfaits ?" asks who is paid.
    "encaissera": "touche",
    "encaisseront": "touche",
    "empocher": "toucher",
    "empochera": "touche",
    "empocheront": "touche",
    "bosser": "travailler",
    "bosse": "travaille",
    "sous-cut": "sous cutane",
    "peut on": "peut on",
    "faut il": "faut il",
}
# Synonym families fold onto the lexicons' word through the same table (questions and cues alike).
ABBREVIATIONS.update(SYNONYMS)

# International nonproprietary names end in stems that say the drug's class (WHO INN stems: -mab, -tinib,
# -platin, -taxel, -rubicin, -citabine…). Bounded, anchored: linear in the token.
_DRUG_NAME = re.compile(
    r"^[a-z]{3,24}(?:mab|tinib|ciclib|zomib|parib|lisib|platine|platin|taxel|rubicine|citabine|fosfamide"
    r"|mustine|trexate|poside|tecan|mycine|rafenib|degib|lutamide|citidine|cytidine)$"
)

# Several-word spellings with one meaning, replaced on the folded text before tokenisation: "quand même" is
# not "when", a "centre hospitalier" is an establishment like any other.
PHRASES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        (r"\b(?:quand|qd|kd|kan)\s+(?:m[eê]me|mm)\b", " quandmeme "),
        (r"\bcentres?\s+hospitaliers?(?:\s+universitaires?)?\b", " etablissement "),
        (r"\bh[oô]pitaux?\s+de\s+jour\b", " hdj "),
        (r"\bh[oô]pital\s+de\s+jour\b", " hdj "),
        (r"\bhospitalisations?\s+a\s+domicile\b", " had "),
        (r"\bc\s*'?\s*est\s+koi\b", " c est quoi "),
        # "il y aura", "on aura", "il en aura": the verb, not the AURA region abbreviation; "en AURA" alone
        # (no subject before « en ») is the region.
        (r"\b(y|il|elle|on|ca|qui|n|nous|vous)(?:\s+|\s*'\s*)(en\s+)?aura(?:s|it|ient)?\b", r" \1 \2avoir "),
        (r"\baura\s*-?\s*t\s*-?\s*(il|elle|on)\b", r" avoir t \1 "),
    )
)

# International non-proprietary names of cancer drugs end in a few stems (-mab antibodies, -nib kinase
# inhibitors, -platine, -taxel...): a word ending so names a drug, which the lexicons know as "molecule".
_DRUG_SUFFIXES = (
    "mab", "nib", "platine", "platin", "taxel", "rubicine", "citabine", "fosfamide", "mustine", "tecan",
    "limus", "ciclib", "parib", "uracile", "trexate", "cristine", "blastine", "poside", "mycine", "zomib",
)  # fmt: skip

NUMBER_WORDS: dict[str, int] = {
    "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7, "huit": 8,
    "neuf": 9, "dix": 10, "onze": 11, "douze": 12, "treize": 13, "quatorze": 14, "quinze": 15,
    "seize": 16, "vingt": 20, "trente": 30,
}  # fmt: skip

# A pseudonymous patient code as sites write them (« P-00412 », « P-PED-004 »; patient_codes.py): letters, a
# dash, digits. Law references (« r6123-87 ») glue letters to digits and are not codes.
_PATIENT_CODE = re.compile(r"[a-z]{1,4}(?:-[a-z]{1,4})?-\d{1,8}(?:-\d{1,8})*")

# Short tokens that must never be "corrected" into something else (acronyms, function words, numbers).
_PROTECTED_SHORT = 3
# Zipf frequency (wordfreq) from which a word is taken as written, never corrected into a lexicon word.
REAL_WORD_ZIPF = 3.0


@dataclass(frozen=True)
class Normalized:
    """The question as canonical tokens. `text` is the tokens joined by single spaces (for phrase matching);
    `redacted` says whether something looking like a NIR was hidden."""

    tokens: tuple[str, ...]
    text: str
    redacted: bool
    corrections: tuple[tuple[str, str], ...] = ()
    drugs: tuple[str, ...] = ()  # the drugs of rules/data/drugs named (their list names), in order
    # The tokens without the words a drug name was read as: what the question says itself (« en IV »).
    own_tokens: tuple[str, ...] = ()


def redact_identifiers(raw: str) -> tuple[str, bool]:
    """Hide anything that looks like a NIR. Returns the cleaned text and whether something was hidden."""
    return health_data.mask_nir(raw)


def strip_accents(raw: str) -> str:
    text = raw.replace("œ", "oe").replace("Œ", "OE").replace("æ", "ae").replace("Æ", "AE")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


_MAX_DIGITS = 15
_TOKEN_RE = re.compile(r"[a-z0-9€]+(?:[.\-][0-9]+)*")


def fold(raw: str) -> str:
    """Lowercase, without accents, typographic quotes made plain: the form every comparison uses."""
    text = strip_accents(raw).lower()
    return text.replace("’", "'").replace("`", "'").replace("´", "'")


def fold_chars(raw: str) -> str:
    """Like `fold`, but one character out for each character in, so positions map back to the original."""
    if raw.isascii():  # the same result without a per-character loop (NFKD leaves ASCII as it is)
        return raw.lower().replace("`", "'")
    out = []
    for ch in raw:
        base = unicodedata.normalize("NFKD", ch)[:1] or ch
        out.append(
            {"’": "'", "`": "'", "´": "'", "œ": "o", "Œ": "o", "æ": "a", "Æ": "a"}.get(ch, base).lower()[:1]
        )
    return "".join(out)


def raw_tokens(folded: str) -> list[str]:
    # "L.162-31-1" stays one token ("l.162-31-1" -> "l162-31-1"); "d'HAD" splits into "d", "had".
    folded = re.sub(r"\b([lrd])\.\s?(\d)", r"\1\2", folded)
    folded = re.sub(r"(\d)\s?(?:€|balles?\b)", r"\1 euro", folded)  # « 100 balles »: slang for euros
    # "3x le mensuel": a multiplication written with an x (or the sign « × », which no token keeps).
    folded = folded.replace("×", "x")
    folded = re.sub(r"\b(\d+)\s?x\b", r"\1 fois", folded)
    folded = re.sub(r"\b(\d{1,2})\s?x\s?(\d{2,4})\b", r"\1 fois \2", folded)  # « 3x320 »
    # « 150e l'inclusion » is 150 euros: no rank here runs to three digits.
    folded = re.sub(r"(?<!\d)(\d{3,4})\s?e\b", r"\1 euro", folded)
    # (?<!\d): tried from the start of a digit run only; from each of its digits it was quadratic.
    folded = re.sub(r"(?<!\d)(\d+)\s?(?:er|ere|eme|e|nd|nde)\b", r"\1eme", folded)
    # A digit run longer than any figure a question holds is noise; left whole, int() would refuse it
    # (Python's 4,300-digit conversion limit) wherever a later step reads a number.
    return [
        token if len(token) <= _MAX_DIGITS or not token.isdigit() else "0"
        for token in _TOKEN_RE.findall(folded)
    ]


def stem(token: str) -> str:
    """A crude French plural folding, enough for lexicon matching: 'mois' and 'pays' are kept whole."""
    if token == "ans":
        return "an"
    if len(token) > 4 and token.endswith("s"):
        token = token[:-1] if not token.endswith(("ois", "ais", "us", "is")) else token
    if len(token) > 4 and token.endswith(("ee", "ale")):
        return token[:-1]
    if len(token) > 5 and token.endswith("elle"):
        return token[:-2]
    if len(token) > 4 and token.endswith("aux"):
        return token[:-3] + "al"
    if len(token) > 3 and token[-1] in "sx" and not token.endswith(("ois", "ais", "us", "is")):
        return token[:-1]
    return token


@lru_cache(maxsize=4096)
def _closest(token: str, vocabulary: frozenset[str]) -> str | None:
    # Longer words tolerate more edits; short ones only one, and 4-letter words need a near-identical match.
    cutoff = 0.9 if len(token) <= 4 else 0.8 if len(token) <= 6 else 0.78
    candidates = [word for word in vocabulary if abs(len(word) - len(token)) <= 2 and word[:1] == token[:1]]
    found = difflib.get_close_matches(token, candidates, n=1, cutoff=cutoff)
    return found[0] if found else None


def _may_correct(unstemmed: str, word: str, fixed: str) -> bool:
    """A common French word is no typo: « phase » is not « pause », « fille » not « file », « transmission »
    not « transfusion ». It is only taken for another form of itself (« saisi » for « saisir », « normand »
    for « normandy »): the lexicon word extends it, or shares its lemma."""
    if frequency.zipf(unstemmed) < REAL_WORD_ZIPF:
        return True
    if fixed.startswith(word[:-1]) and len(fixed) - len(word) <= 2:
        return True  # (« exclus » is not « exclusif »)
    return lemmas.lemma(unstemmed) in (fixed, lemmas.lemma(fixed)) and lemmas.lemma(unstemmed) is not None


# Conjugated forms users write ("touchons", "percevez", "adressent") mapped to the forms the lexicons use.
_VERB_ENDINGS = (
    "erions", "eriez", "erons", "erez", "eront", "erait", "aient", "ions", "iez", "ons", "ez", "ent",
    "ait", "ais", "era", "es", "ront", "ra",
)  # fmt: skip


def _lemma(word: str, vocab: frozenset[str]) -> str | None:
    for ending in _VERB_ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            base = word[: -len(ending)]
            # "percevra" -> "percev" + "oir": the future of -oir verbs.
            for candidate in (base + "e", base + "er", base, base + "re", base + "ir", base + "oir"):
                if candidate in vocab:
                    return candidate
    return None


def _phrases(folded: str) -> str:
    for pattern, replacement in PHRASES:
        folded = pattern.sub(replacement, folded)
    folded = _SHORT_YEAR.sub(_month_year, folded)
    folded = _SPELLED.sub(_spelled_number, folded)
    return rewrite_phrases(folded)


# « trois cent vingt balles », « cent cinquante euros », « mille deux cent quarante »: an amount spelled out,
# read as its figure (a premise or a sum is compared by its digits). Only a run with « cent » / « mille » or
# a tens word and another number word: « deux sites », « un patient » stay words. (separators required
# between words: linear)
_NUMBER_WORD = (
    r"(?:une|un|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|treize|quatorze|quinze|seize"
    r"|vingts?|trente|quarante|cinquante|soixante|cents?|mille)"
)
_SPELLED = re.compile(rf"\b{_NUMBER_WORD}(?:[ -]+(?:et[ -]+)?{_NUMBER_WORD})*\b")
# (the figure itself is spoken_numbers'; only these runs are amounts here)
_AMOUNT_WORDS = frozenset(
    {"vingt", "vingts", "trente", "quarante", "cinquante", "soixante", "cent", "cents", "mille"}
)


def _spelled_number(m: re.Match[str]) -> str:
    words = [w for w in re.split(r"[ -]+", m.group()) if w != "et"]
    if len(words) < 2 or not _AMOUNT_WORDS & set(words):
        return m.group()
    return figures(m.group())


# « le mois de fév 28 », « en oct 25 »: a month then a year of two digits, within the experiment's years,
# written in full (« février 2028 ») as the cues and the slots read it; never a count (« oct 25 patients »).
_SHORT_YEAR = re.compile(
    r"\b(janv(?:ier)?|fevr?(?:ier)?|mars|avr(?:il)?|mai|juin|juil(?:let)?|aout|sept(?:embre)?|oct(?:obre)?"
    r"|nov(?:embre)?|dec(?:embre)?)\.? (2[4-9])\b(?! ?(?:€|e\b|eur|pat|pt|mois|jour|j\b|ans?\b|%|\d))"
)


def _month_year(m: re.Match[str]) -> str:
    # (every abbreviation begins its month's name: « juil » juillet)
    full = next(name for name in _MONTH_NAMES if name.startswith(m.group(1)))
    return f"{full} 20{m.group(2)}"


_ELIDED = frozenset("dljsnm")


def _unknown_form(word: str, vocab: frozenset[str]) -> list[str] | None:
    """Words no lexicon lists but whose shape tells what they are: a drug name (by its INN stem), or a verb
    with the prefix "re" ("retouche", "redepose") meaning "again" + a verb we know."""
    if len(word) >= 7 and word.endswith(_DRUG_SUFFIXES):
        return ["molecule"]
    if len(word) >= 6 and word[0] in _ELIDED and stem(word[1:]) in vocab:
        return [word[0], stem(word[1:])]  # « le forfé dinclusion »: an elision glued to a lexicon word
    if word.startswith("re") and len(word) >= 6:
        whole = _lemma(word, vocab)
        if whole is not None:
            return [whole]  # « reversera »: a verb of its own (« reverser »), not « verser » again
        rest = word[2:]
        base = rest if rest in vocab else _lemma(rest, vocab)
        if base is not None:
            return ["a", "nouveau", base]
    return None


def normalize(raw: str, vocabulary: Iterable[str] = (), ordinary: frozenset[str] = frozenset()) -> Normalized:
    """`_normalize`, remembered for the last texts: one message is normalised whole, by part, by its asked
    sentences and again by the steps that read it; the same text is read once (the result is immutable)."""
    if isinstance(vocabulary, (frozenset, tuple)):
        return _normalize_cached(raw, vocabulary, ordinary)
    return _normalize(raw, vocabulary, ordinary)


@lru_cache(maxsize=256)
def _normalize_cached(
    raw: str, vocabulary: frozenset[str] | tuple[str, ...], ordinary: frozenset[str]
) -> Normalized:
    return _normalize(raw, vocabulary, ordinary)


def _normalize(
    raw: str, vocabulary: Iterable[str] = (), ordinary: frozenset[str] = frozenset()
) -> Normalized:
    """Canonical tokens: accents removed, lowercased, abbreviations expanded, plurals folded, number words as
    digits, and typos corrected against `vocabulary` (stemmed words of the lexicons). Words of `ordinary`
    (everyday words) are still mapped to a lexicon verb form when they are one, but never "corrected"."""
    cleaned, redacted = redact_identifiers(raw)
    # The placeholder says nothing about the topic: it is not tokenised.
    cleaned = cleaned.replace(NIR_PLACEHOLDER, " ")
    vocab = frozenset(vocabulary)
    tokens: list[str] = []
    corrections: list[tuple[str, str]] = []
    drugs: list[str] = []
    words = raw_tokens(_phrases(fold(cleaned)))
    for index, token in enumerate(words):
        # "sept, oct et déc": "sept" next to another month is September, not the number 7.
        if token == "sept" and _next_to_month(words, index):
            token = "septembre"
        # "1eme" / "2eme" produced above become words; "inclu" etc. expand.
        if re.fullmatch(r"\d+eme", token):
            token = {"1eme": "premier", "2eme": "deuxieme", "3eme": "troisieme"}.get(token, token)
        drug = load_drugs().by_name.get(token)
        if drug is not None:
            # A drug of the list reads as its route (« capecitabine » -> « medicament oral »): the treatment
            # entries know those words; which drug was read is kept for the answer to say it.
            if drug.name not in drugs:
                drugs.append(drug.name)
            tokens.extend(load_drugs().route_words[drug.route].split())
            continue
        expanded = ABBREVIATIONS.get(token, token)
        if _PATIENT_CODE.fullmatch(token):
            expanded = "patient"  # « P-00412 » names a patient, nothing the question is about
        if expanded == token and _DRUG_NAME.match(token):
            expanded = (
                "medicament"  # an international drug name (« pembrolizumab ») names a drug, not a subject
            )
        for word in expanded.split():
            if word in NUMBER_WORDS and word not in ("un", "une"):
                tokens.append(str(NUMBER_WORDS[word]))
                continue
            unstemmed, word = word, stem(word)
            if vocab and word not in vocab and len(word) > _PROTECTED_SHORT and not word.isdigit():
                shaped = _unknown_form(unstemmed, vocab)
                if shaped is not None:
                    corrections.append((word, " ".join(shaped)))
                    tokens.extend(shaped)
                    continue
                fixed = _lemma(unstemmed, vocab) or _lemma(word, vocab)
                if fixed is None:
                    # "percevrons", "versées", "désignés": the lexicon word with the same lemma (simplemma);
                    # else, when the lemma is an everyday word, that word (understood, never typo-corrected).
                    fixed = lemmas.to_lexicon(unstemmed, vocab)
                    if fixed is None and ordinary and word not in ordinary and unstemmed not in ordinary:
                        everyday = lemmas.to_lexicon(unstemmed, ordinary)
                        if everyday is not None:
                            tokens.append(everyday)
                            continue
                if fixed is None and lemmas.common_verb(unstemmed):
                    # "générera" is a form of a common verb, not a typo for "général".
                    tokens.append(word)
                    continue
                if fixed is None and lemmas.verb_form(unstemmed):
                    # « trompé » folds to « trompe »: a real word, not a typo for « trop »; still unknown to
                    # a question that does not know it.
                    tokens.append(word)
                    continue
                if fixed is None and word not in ordinary and unstemmed not in ordinary:
                    fixed = _closest(word, vocab)
                    if fixed is not None and not _may_correct(unstemmed, word, fixed):
                        fixed = None
                if fixed is not None:
                    corrections.append((word, fixed))
                    word = fixed
            tokens.append(word)
    tokens = _spoken_forms(tokens)
    own: tuple[str, ...] = tuple(tokens)
    if drugs:
        # Read again without the drug names: rare (a drug named), and it keeps the loop above simple.
        names = load_drugs().by_name
        own = normalize(" ".join(w for w in words if w not in names), vocab, ordinary).tokens
    return Normalized(tuple(tokens), " ".join(tokens), redacted, tuple(corrections), tuple(drugs), tuple(own))


_MONTH_NAMES = (
    "janvier", "fevrier", "mars", "avril", "mai", "juin", "juillet", "aout", "septembre", "octobre",
    "novembre", "decembre",
)  # fmt: skip
_MONTH_TOKENS = frozenset((*_MONTH_NAMES, "janv", "fev", "fevr", "avr", "juil", "oct", "nov", "dec"))


def _next_to_month(raw: list[str], index: int) -> bool:
    neighbours = raw[max(0, index - 2) : index] + raw[index + 1 : index + 3]
    # « le rapport de sept 2026 »: « sept » before a year is September too.
    following = raw[index + 1] if index + 1 < len(raw) else ""
    return any(t in _MONTH_TOKENS for t in neighbours) or (following.isdigit() and len(following) == 4)


# A pronoun before « donne »: the verb (« je lui donne accès »), never « données » (data), which folds to
# the same token (« les données » keeps its article).
_BEFORE_VERB = frozenset({"je", "j", "tu", "il", "elle", "on", "lui", "me", "m", "te", "t", "se", "s", "nous",
                          "vous", "ils", "elles"})  # fmt: skip


def _spoken_forms(tokens: list[str]) -> list[str]:
    """'c quoi', 'c koi', 'c combien': a lone 'c' stands for "c'est" (but "c'est" already gives 'c est'),
    « c t » for « c'était »;
    « je lui donne » is the verb « donner »."""
    out: list[str] = []
    for i, token in enumerate(tokens):
        if token == "donne" and i > 0 and tokens[i - 1] in _BEFORE_VERB:
            token = "donner"
        if token == "t" and out[-2:] == ["c", "est"]:
            out[-1] = "etait"  # « c t le 15 juin ? »: « c'était »
            continue
        out.append(token)
        if token == "c" and (i + 1 == len(tokens) or tokens[i + 1] != "est"):
            out.append("est")
    return out
