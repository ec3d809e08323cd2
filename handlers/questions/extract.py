"""Keep the question out of a whole message: greetings, thanks, closings and signatures removed.

The mail helper has already decoded MIME and dropped quoted history; what arrives here is what the person
wrote, e.g. "Bonjour Madame,\n\nJe voudrais savoir ...\n\nCordialement,\nDr X\nCH de Y\n02 35 ...".
"""

from __future__ import annotations

import re

from handlers.questions.dictation import undictate
from handlers.questions.normalize import fold_chars as fold
from handlers.questions.normalize import redact_identifiers

# Whole-line or line-leading salutations, compared on folded text (no accents, lowercase).
_GREETING_RE = re.compile(
    r"^\s*(?:bonjour|bonsoir|hello|salut|coucou|allo|hi|re|cher|chere|chers|cheres|madame|monsieur|mesdames"
    r"|messieurs|docteur)\b(?:[\s,/]+[\w'\-]+){0,3}?\s*(?:[,!.:;]+|$)\s*",
)

# The same, matched at an offset (`^` would only match at the very start of the string).
_GREETING_AT = re.compile(_GREETING_RE.pattern.removeprefix("^"))
_FIRST_GREETING_AT = re.compile(r"\s*(?:bonjour|bonsoir|hello|salut|coucou)\b[\s,!.]*")

# A line that starts the closing: everything from it to the end is salutation and signature.
_CLOSING_RE = re.compile(
    r"^\s*(?:cordialement|bien\s+cordialement|tres\s+cordialement|cdlt|cdt|bien\s+a\s+vous|bien\s+a\s+toi"
    r"|salutations|sinceres\s+salutations|meilleures\s+salutations|respectueusement|amities|a\s+bientot"
    r"|merci(?:\s+(?:d'avance|par\s+avance|beaucoup|bien|a\s+vous|pour\s+\w+(?:\s+\w+){0,4}))?\s*[,.!]*\s*$"
    r"|je\s+vous\s+remercie|en\s+vous\s+remerciant|dans\s+l'attente|bonne\s+(?:journee|soiree|fin)"
    r"|belle\s+journee|envoye\s+(?:de|depuis)\s+mon|sent\s+from|--\s*$|__+\s*$|regards|best)",
)

# Lines that are signature furniture wherever they sit: phones, mail addresses, titles, addresses.
_FURNITURE_RE = re.compile(
    r"(?:^\s*(?:tel|tél|telephone|fax|mob|mobile|portable|standard)\b"
    r"|^\s*(?:\+33|0)[1-9](?:[\s.\-]?\d{2}){4}\s*$"
    r"|^\s*\d{5}\s+\w+)",
)
# A mail address: a signature's line, unless the line says more (« Pourriez-vous donner accès au bot à Mme
# D. (claire.d@ch.fr) ? »: the address goes, the question stays). An address starts at a word's start:
# without the look-behind a long word was tried from each of its letters, every try running to its end.
_ADDRESS_RE = re.compile(r"(?<![\w.\-])[\w.\-]+@[\w\-]+\.[\w.]+")
MIN_PROSE_WORDS = 6  # words besides an address for its line to be prose

# A closing sentence inside the last line of a one-paragraph email ("... ? Dans l'attente de votre retour,
# veuillez agréer ... Marc Petit"): everything from it to the end goes.
_INLINE_CLOSING_RE = re.compile(
    r"(?<=[.?!])\s+(?:dans\s+l'attente|en\s+vous\s+remerciant|je\s+vous\s+remercie|veuillez\s+agreer"
    r"|je\s+vous\s+prie|bien\s+cordialement|cordialement|bien\s+a\s+vous|merci\s+(?:d'avance|par\s+avance)"
    r"|salutations|bonne\s+journee)\b.*$",
    re.DOTALL,
)

# Trailing politeness inside the last content line ("... ? Merci d'avance.").
_TRAILING_THANKS_RE = re.compile(
    r"\s*(?:merci(?:\s+(?:d'avance|par\s+avance|beaucoup|bien|pour\s+votre\s+(?:aide|reponse|retour)))?"
    r"|cordialement|bonne\s+journee)\s*[.!]*\s*$",
)


# An ARS agent forwarding a question: "Un établissement nous demande si le forfait est dû ... Que dois-je lui
# répondre ?". The lead names who asks; the question is what follows it (an indirect question: "si ...",
# "s'il ...", "combien ...").
_FORWARD_LEAD_RE = re.compile(
    r"\b(?:un|une|l'|le|la|les|des|plusieurs|cet|cette|notre)\s*(?:etablissements?|hopital|hopitaux|cliniques?"
    r"|ch|chu|clcc|had|structures?|candidats?|porteurs?|directeurs?|directrices?|coordinat\w*|partenaires?)"
    r"(?:\s+[\w'-]+){0,5}?\s+(?:nous|m'|me|vous)\s*(?:demandent|demande|interrogent|interroge|sollicitent"
    r"|sollicite|questionnent|questionne|pose\s+la\s+question|posent\s+la\s+question)\b\s*:?\s*(?:si\b\s*|s'(?=ils?\b))?",
)

# Sentences that only ask the agent to act on the forwarded question ("Que dois-je lui répondre ?",
# "Pouvez-vous confirmer ?"): they hold no question of their own and would hide the real one.
_META_SENTENCE_RE = re.compile(
    r"^\s*(?:qu(?:e|')\s*(?:dois|puis|devons|pouvons|dois-je|puis-je)?[\s-]*(?:je|nous)?\s*(?:lui|leur)\s+repondre"
    r"|pouvez[\s-]*vous\s+(?:me\s+|nous\s+|lui\s+|leur\s+)?(?:le\s+)?(?:confirmer|regarder|verifier|eclairer|aider)"
    r"|(?:pourriez|peux|pourrais)[\s-]*(?:vous|tu)\s+(?:me\s+|nous\s+)?(?:le\s+)?(?:confirmer|regarder|verifier)"
    r"|qu\s*'\s*en\s+pensez[\s-]*vous|merci\s+de\s+me\s+dire\s+(?:quoi|que)\s+(?:lui|leur)\s+repondre"
    r"|que\s+(?:lui|leur)\s+dire)\b"
    # ... and nothing more than filler: "Pourriez-vous me confirmer la date d'envoi ?" is a real question.
    r"\s*(?:cela|ca|ce\s+point|svp|s'il\s+vous\s+plait|merci|,)*\s*[.?!]*\s*$",
)


# A forwarded message's furniture: its separator line (« ---------- Message transféré ---------- ») and its
# header lines (« De : … », « Envoyé : … »). The forwarded « Objet : » line is kept as a subject line.
_FORWARD_HEADER_RE = re.compile(r"^\s*(?:[-_=]{3,}.*|(?:de|a|envoye|date|cc|cci|from|to|sent)\s*:.*|>+\s*)$")

# The sentence that forwards a question (« Je vous transfère la question de … : »), up to its end.
_FORWARDING_RE = re.compile(
    r"^\s*(?:je\s+(?:vous|te)\s+|nous\s+vous\s+)?(?:transfere|transferons|fais\s+suivre|faisons\s+suivre|transmets"
    r"|retransmets|renvoie)\s+(?:ci-dessous\s+)?(?:la|le|l'|un|une|les|ce|cette|ces)\s*(?:question|message|mail"
    r"|courriel|echange|demande|questions|messages|mails|echanges|demandes)\b[^.?!:]{0,120}[.:!]\s*"
)

# An email's subject line pasted at the top (« Objet : forfait juillet à décembre », « TR: Fwd: … »).
_SUBJECT_RE = re.compile(r"^\s*(?:objet|subject|sujet)\s*:")

# (« /expe50 j'ai rentré deux fois … »: any text after the slash command that is no command is a question)
# (extract_question ends the subject line on a full stop)
_SUBJECT_SENTENCE = re.compile(r"\s*(?:objet|subject|sujet)\s*:[^.?!]*[.?!]\s*", re.IGNORECASE)

# (a dash separates a subject from its detail: « Candidature d'une clinique – Hauts-de-France » is one)
_SEVERAL_SUBJECTS = re.compile(r"\s(?:et|/|&|\+)\s|,|;", re.IGNORECASE)

_INVOCATION_RE = re.compile(r"\A\s*(?:/expe50\b(?:\s+question\b)?|expe50\s+question\b)[\s:]*", re.IGNORECASE)


def extract_question(text: str) -> str:
    """The question part of a message, with greetings, closings and signatures removed and anything that
    looks like a NIR masked. Returns the message itself (stripped) when nothing can be told apart."""
    # (a dictated message is read as if typed first: a number it spells out may be a NIR's)
    cleaned, _ = redact_identifiers(undictate(text))
    lines = [line.rstrip() for line in cleaned.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    kept: list[str] = []
    # What has been kept so far, as two flags (a scan of `kept` per line made a long message quadratic).
    written = body_seen = False
    for line in lines:
        folded = fold(line)
        if not folded.strip():
            kept.append("")
            continue
        if written and _CLOSING_RE.match(folded):
            break
        if _FURNITURE_RE.search(folded) or _FORWARD_HEADER_RE.match(folded):
            continue
        if _ADDRESS_RE.search(folded):
            line = _ADDRESS_RE.sub("", line)
            if len(re.findall(r"\w+", line)) < MIN_PROSE_WORDS:
                continue
            folded = fold(line)
        lead = _FORWARDING_RE.match(folded)
        if lead:
            # « Je vous transfère la question de notre contrôleur de gestion. »: how it came, not what it asks
            line = line[lead.end() :]
            if not line.strip():
                continue
            folded = fold(line)
        subject = _SUBJECT_RE.match(folded) is not None
        if not body_seen:
            # (« Objet : … » then « Bonjour, »: the greeting after the subject line is a greeting too)
            line = _strip_greeting(line)
            if not line.strip():
                continue
        if subject and not re.search(r"[.?!:;]\s*$", line):
            line = line.rstrip() + "."  # the subject is a sentence of its own, not the start of the body's
        kept.append(line)
        written = True
        body_seen = body_seen or not subject
    body = "\n".join(kept).strip()
    inline = _INLINE_CLOSING_RE.search(fold(body))
    if inline:
        body = body[: inline.start()].rstrip()
    body = _strip_trailing_thanks(body)
    body = _forwarded(body)
    # « 1. quelle est la valeur du tarif … ? »: a question's number is no figure of the question (a reader
    # of amounts took it for a tariff gap of 1 €).
    body = _ASKED_NUMBER.sub("", body)
    # « /expe50 question … » is how the question was sent (the `question` command), not what it asks: kept, it
    # named that command in a question about using the bot.
    body = _INVOCATION_RE.sub("", body, count=1)
    # Greeting-only or thanks-only messages leave nothing: give back the original (masked) text.
    return re.sub(r"[ \t]+", " ", re.sub(r"\n{3,}", "\n\n", body)).strip() or cleaned.strip()


def _strip_greeting(line: str) -> str:
    # "Madame, Monsieur, je voudrais...": greetings may follow each other; each must end on punctuation or
    # at the end of the line, else only a leading "bonjour" is dropped ("bonjour je voudrais savoir...").
    # Folded once: `fold` keeps one character per character, so an offset in the folded line is one in the
    # line (folding again after each greeting made a line of 5,000 « bonjour, » quadratic).
    folded = fold(line)
    offset = 0
    while True:
        match = _GREETING_AT.match(folded, offset)
        if not match or match.end() == offset:
            break
        offset = match.end()
    first = _FIRST_GREETING_AT.match(folded, offset)
    return line[first.end() if first else offset :]


_MAX_TRAILING_THANKS = 5  # « Merci. Cordialement. Bonne journée. » — no one writes more; a wall of them stays


def _strip_trailing_thanks(body: str) -> str:
    # Bounded: each round folds and searches the whole text, so « merci » × 3,000 was quadratic (3.7 s).
    for _ in range(_MAX_TRAILING_THANKS):
        match = _TRAILING_THANKS_RE.search(fold(body))
        if not match or match.start() == 0:
            break
        body = body[: match.start()].rstrip()
    return body


def _forwarded(body: str) -> str:
    """The forwarded question itself: meta sentences addressed to the agent dropped (when something else is
    left), and the lead naming who asks ("un établissement nous demande si") cut off."""
    # A question quoted inside the message ("... nous pose la question suivante : « ... ? »") is the question.
    quoted = re.search(r"[«“\"]\s*([^«»“”\"]{10,}?\?)\s*[»”\"]", body)
    if quoted:
        return quoted.group(1).strip()
    sentences = [s for s in re.split(r"(?<=[.?!])\s+|\n+", body) if s.strip()]
    kept = [s for s in sentences if not _META_SENTENCE_RE.match(fold(s))]
    if kept and len(kept) < len(sentences):
        body = " ".join(kept)
    folded = fold(body)
    lead = _FORWARD_LEAD_RE.search(folded)
    if lead and lead.end() < len(body):
        rest = body[lead.end() :].strip()
        # (« Les établissements nous interrogent déjà. Quel montant … ? »: a word or two after the lead is how
        # they ask, not what: nothing to turn into a question)
        if rest and len(re.split(r"(?<=[.!?])\s", rest, maxsplit=1)[0].split()) >= 3:
            # The indirect question becomes a direct one: "si X." -> "Est-ce que X ?".
            if lead.group(0).rstrip().endswith(("si", "s'")):
                rest = "Est-ce que " + rest
            head, _, tail = rest.partition("\n")
            if not head.rstrip().endswith("?"):
                head = head.rstrip(" .") + " ?"
            rest = "\n".join(p for p in (head, tail) if p)
            body = (body[: lead.start()] + rest[:1].upper() + rest[1:]).strip()
    return body


# A question ends on "?"; a question mark inside brackets or quotes is an aside, not a new question.
# Anchored at the start or right after a "?": the same matches, but a text without "?" is no longer scanned to
# its end from each of its characters (quadratic).
_QUESTION_END = re.compile(r"(?:^|(?<=\?))[^?]*\?+")
# A sentence that reports what the writer wants to know, up to its full stop (bounded: no nested repetition).
_REPORTED_ASK = re.compile(
    r"(?:^|(?<=[.?!] ))[^.?!]{0,80}\b(?:aimerions|aimerais|voudrions|voudrais|souhaiterions|souhaiterais|"
    r"souhaitons|souhaite) (?:aussi |egalement |également )?"
    r"(?:savoir|connaitre|connaître|comprendre|recuperer|récupérer|obtenir)\b[^.?!]{0,400}\.",
    re.IGNORECASE,
)
_ASIDE_ASKS = re.compile(r"\([^()?]{0,200}\?[^()]{0,200}\)")
# An interrogative word in the words after the last « ? » (« et le comité c qd »).
_TAIL_ASKS = re.compile(r"\b(?:quand|qd|combien|cb|comment|pourquoi|quel|quelle|quels|quelles|ou|qui)\b")
MIN_PART_WORDS = 3
MAX_PARTS = 4
MIN_CLAUSE_WORDS = 4
# A later question that is only a preposition and an interrogative (« Sur combien d'années ? », « Pour quelle
# date ? ») names no subject of its own: at most this many words.
MAX_ELLIPTIC_WORDS = 5
MAX_ASKED_AGAIN_WORDS = 7
_ELLIPTIC = re.compile(
    r"^\W*(?:et\s+)?(?:sur|pour|en|dans|pendant|depuis|jusqu\W*[aà]|[aà]\s+partir\s+de|avant|apr[eè]s)"
    r"\s+(?:combien|quels?|quelles?|quand)\b",
    re.IGNORECASE,
)
# « … le total depuis le début ? 2) Et pour la seule année 2026 ? »: the question before, asked again of a
# year or a month.
_ASKED_AGAIN = re.compile(
    r"^\W*(?:\d{1,2}\W+)?et\s+(?:pour|en|sur|au\s+titre\s+de)\s+(?:la\s+seule\s+|le\s+seul\s+|l\W)?"
    r"(?:ann[ée]e|mois|20\d\d|janvier|f[ée]vrier|mars|avril|mai|juin|juillet|ao[uû]t|septembre|octobre|novembre"
    r"|d[ée]cembre)\b",
    re.IGNORECASE,
)
# A clause that asks something itself: an interrogative, an inversion (« est-il », « peut-on »), « c'est »…
_ASKS = re.compile(
    r"\b(?:quel(?:le)?s?|quand|combien|comment|pourquoi|qui|o[uù]|quoi|est-ce|faut-il|peut-on|doit-on)\b"
    r"|\w-(?:t-)?(?:il|elle|ils|elles|on|je|nous|vous)\b|\b(?:c'est|c est|ca|ça|y a|il y a)\b",
    re.IGNORECASE,
)
# Inside one question sentence, a comma or « et » followed by an interrogative opens another question:
# « Quelle est la durée maximale, quel est le délai du comité technique, et que vaut le silence de la HAS ? ».
# Only unambiguous openers: « qui » and « où » also start relative clauses, a bare « que » a subordinate one.
_CLAUSE_SPLIT = re.compile(
    r"(?:\s*[,;]\s*(?:et\s+|mais\s+|puis\s+)?|\s+et\s+)"
    r"(?=(?:(?:a|à|de|pour|dans|sur|en|par|avant|après|apres)\s+)?"
    r"(?:quel(?:le)?s?|quand|combien|comment|pourquoi|est-ce\s+que|"
    r"que\s+(?:vaut|valent|faut-il|doit-on|devient|deviennent|se\s+passe))\b)",
    re.IGNORECASE,
)


_LINE_NUMBER = re.compile(r"^[ \t]*\d{1,2}[.)][ \t]+", re.MULTILINE)

_ASKED_NUMBER = re.compile(
    r"^[ \t]*\d{1,2}[.)][ \t]+(?=(?:[\w'’-]+[ \t]+){0,3}?(?:quel(?:le)?s?|quand|combien|comment|pourquoi|qui"
    r"|o[uù]|si|est-ce|peut|peuvent|faut|doit|doivent|pouvons|pouvez|avons|y a)\b)"
    # (written out with its « ? »: a list of items without one is read as questions by _asked_items)
    r"(?=[^\n]*\?[ \t]*$)",
    re.MULTILINE | re.IGNORECASE,
)

# A clause that announces the questions (« je voudrais confirmer deux points : … »).
_PREAMBLE_END = re.compile(
    r"\b(?:points?|questions?|precisions?|confirmer|savoir|verifier|demande|demandes|sujets?)\s*$"
)


def split_questions(question: str) -> list[str]:
    """The questions of a message, each with the statements that come before it (its context): « Quel est
    le montant ? Et quand faut-il envoyer le rapport ? » gives two parts. One part when the message asks one
    thing (or when a part would be too short to stand alone)."""
    # A numbered list's markers (« 1. », « 2) ») start lines: once the lines are joined they would read as
    # sentences of their own, context for the next question.
    text = " ".join(_LINE_NUMBER.sub("", _asked_items(question)).split())
    # « on a loupé la DL (c'était le 16/05 je crois ?) on peut encore déposer ? »: a « ? » inside an aside in
    # brackets ends no question; « … ?? et le comité de sélection c qd »: a last question left without its
    # « ? » is one all the same.
    text = _ASIDE_ASKS.sub(lambda m: m.group(0).replace(" ?", "").replace("?", ""), text)
    # « nous aimerions savoir sur quelle enveloppe … et en quelle année … . » asks, full stop and all.
    text = _REPORTED_ASK.sub(lambda m: m.group(0)[:-1] + " ?", text)
    tail = text[text.rfind("?") + 1 :] if "?" in text else ""
    if len(re.findall(r"\w+", tail)) >= MIN_CLAUSE_WORDS - 1 and _TAIL_ASKS.search(fold(tail)):
        text = f"{text.rstrip(' .')} ?"
    # An email's subject line that names several subjects (« Objet : rapport initial et conditions de
    # versement ») would pull each part towards all of them as its context; one subject (« Objet : saisies en
    # retard ») is what every part is about, and stays.
    subject = _SUBJECT_SENTENCE.match(text)
    if (
        subject is not None
        and _SEVERAL_SUBJECTS.search(subject.group(0))
        and len(list(_QUESTION_END.finditer(text[subject.end() :]))) >= 2
    ):
        text = text[subject.end() :]
    asked = [m.group(0).strip() for m in _QUESTION_END.finditer(text)]
    asked = [clause for a in asked for clause in _clauses(a) if clause.strip("? ")]
    if len(asked) < 2 or len(asked) > MAX_PARTS:
        return [question]
    # Statements before the first question are context for all; a statement between questions opens the next.
    parts: list[str] = []
    context = ""
    for chunk in asked:
        sentences = [s for s in re.split(r"(?<=[.!])\s+", chunk) if s.strip()]
        *lead, ask = sentences
        if not parts:
            # « Agent de l'ARS Normandie, je voudrais confirmer deux points : à quelle date … ? »: the clause
            # before the colon introduces every question, its region included.
            head, colon, tail = ask.partition(" : ")
            if colon and "?" not in head and _PREAMBLE_END.search(fold(head)):
                lead, ask = [*lead, f"{head}."], tail  # a sentence of its own: context, not asked
            context = " ".join(lead)
        parts.append(" ".join(x for x in (context, *(lead if parts else []), ask) if x))
    if any(len(re.findall(r"\w+", p)) - len(re.findall(r"\w+", context)) < MIN_PART_WORDS for p in parts):
        return [question]
    # « … un objectif annuel ? Sur combien d'années ? »: a question naming nothing but what it asks refines
    # the one before it (answered alone, it would be read about the experiment itself).
    glued: list[str] = []
    for part, chunk in zip(parts, asked, strict=True):
        words = len(re.findall(r"\w+", chunk))
        if glued and (
            (_ELLIPTIC.match(chunk) and words <= MAX_ELLIPTIC_WORDS)
            or (_ASKED_AGAIN.match(chunk) and words <= MAX_ASKED_AGAIN_WORDS)
        ):
            glued[-1] = f"{glued[-1]} {chunk}"
        else:
            glued.append(part)
    return glued if len(glued) >= 2 else [question]


# « Notre directeur demande :\n- combien d'établissements peuvent être retenus ;\n- sur quels critères … »: a
# list of questions told as items, without their « ? ».
# (no lazy group before a trailing run: linear on a line of « ;;;; »; the trailing marks are stripped after)
_ITEM_RE = re.compile(r"^[ \t]*(?:[-•*–]|\d{1,2}[.)])[ \t]+([^\n]+)$", re.MULTILINE)
_ITEM_ASKS = re.compile(
    r"^(?:\w+\s+){0,3}?(?:quel(?:le)?s?|quand|combien|comment|pourquoi|qui|o[uù]|si)\b", re.I
)


def _asked_items(question: str) -> str:
    """Each item of a list that asks (it opens on an interrogative word within its first words) ends on « ? »,
    as a question written out would; only when two items at least ask."""
    items = [m for m in _ITEM_RE.finditer(question) if "?" not in m.group(1) and _ITEM_ASKS.match(m.group(1))]
    if len(items) < 2:
        return question
    out, at = [], 0
    for m in items:
        item_end = m.start(1) + len(m.group(1).rstrip(" \t;,.:"))
        out += [question[at:item_end], " ?"]
        at = m.end()
    return "".join([*out, question[at:]])


def _clauses(asked: str) -> list[str]:
    """One question sentence cut where another interrogative clause begins (linear: one regex pass). The
    statements before it stay with the first clause, which `split_questions` makes the context of all."""
    sentences = [x for x in re.split(r"(?<=[.!])\s+", asked) if x.strip()]
    *lead, last = sentences or [asked]
    pieces = [p.strip() for p in _CLAUSE_SPLIT.split(last) if p.strip()]
    if len(pieces) >= 2 and not _ASKS.search(pieces[0]):
        # « pour un projet art 51, en combien de temps … ? »: what comes before the first interrogative is the
        # subject of the question, not a question of its own.
        return [asked]
    # A bare « …, avant quelle date ? » refines the clause before it; it names no subject of its own.
    merged: list[str] = []
    for piece in pieces:
        if merged and len(re.findall(r"\w+", piece)) < MIN_CLAUSE_WORDS:
            merged[-1] = f"{merged[-1]}, {piece}"
        else:
            merged.append(piece)
    pieces = merged
    if len(pieces) < 2:
        return [asked]
    pieces = [p if p.endswith("?") else p + " ?" for p in pieces]
    return [" ".join([*lead, pieces[0]]), *pieces[1:]]
