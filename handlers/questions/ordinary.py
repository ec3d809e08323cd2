"""Ordinary French words that say nothing about what a question is about.

The detector hands a question over when it holds words it cannot place, because an unknown word may name a
subject the rules do not cover ("dialyse", "TVA"). That caution should not fire on the everyday words people
wrap their questions in: verbs ("détenir", "bosser", "dépendre"), adverbs ("obligatoirement", "séparément"),
adjectives ("multiple", "différent") and generic nouns ("truc", "tableau", "envoi"). They are listed here,
accent-free and lowercase, in their common forms; nouns that could name a subject are deliberately absent.
"""

from __future__ import annotations

_VERBS = """
    detenir detient detiennent detenons posseder possede possedons avoir disposer dispose disposons
    travailler travaille travaillons travaillent collaborer collabore cooperer
    dependre depend dependent dependant dependra
    porter porte portant portent concerner
    etudier etudie etudiee examiner examinee traiter traite
    signaler signale signalee signalees prevenir previent informer informe
    changer change changent modifier modifie modifiee
    declarer declare declarons renseigner indiquer mentionner inscrire inscrit
    joindre joint jointe ajouter ajoute inclure fournir fourni
    falloir faut fallait faudra doit doivent devons devez devoir devrait devraient devrions
    pouvoir puisse puissent pourra pourront pourrons
    compter compte comptent comptons compte comptabilise
    rester reste restent continuer continue reprendre reprend reprennent arreter arrete arretent stopper
    commencer finir termine terminer
    suivre suit suivi suivie suivis
    tenir tient tiennent garder garde
    confirmer verifier verifie controler
    lancer lance lancee retenir
    appeler appelle appele telephoner
    chercher cherche trouver trouve
    proposer propose proposons
    recuperer recupere toucher touche touchent touchons touchera percevoir percoit percoivent
    choisir choisit choisissent
    repondre repond repondez hesiter hesite
    penser pense pensons croire crois croit sembler semble
    comprendre compris comprends
    envoyer envoie envoyons envoyez transmettre transmet transmis
    rendre rend rendu rendre
    relever releve relevons relevent
    mettre met mettons
    voir vois voyons
    obtenir obtient obtenu
    beneficier beneficie
    publier publie publiee publies publiees paru parue sortir sorti sortie
    valoir vaut
    valider valide validee validation requerir requis requise rater rate loupe louper
    exister existe existent
    produire produit produite produits produisons tomber tombe tombent diffuser destine destinee destines
    permettre permet
    """

_ADVERBS = """
    obligatoirement forcement necessairement separement ensemble seulement uniquement simplement exactement
    precisement vraiment reellement concretement rapidement directement finalement actuellement
    egalement aussi encore toujours jamais deja bientot ensuite enfin puis apres avant pendant durant
    parmi combien comment pourquoi quand ou ici la labas ailleurs partout surtout notamment environ presque
    devant derriere demain hier
    plutot assez trop tres bien mal mieux vite tard tot souvent parfois rarement
    librement individuellement globalement personnellement officiellement effectivement eventuellement
    automatiquement systematiquement obligatoire facultatif facultative optionnel
    quandmeme sinon ainsi donc alors pourtant cependant toutefois neanmoins
    hasard
    """

_ADJECTIVES = """
    multiple multiples different differente differents differentes distinct distincte meme memes
    seul seule seuls seules unique plusieurs certains certaines divers diverses
    nouveau nouvelle nouveaux premier premiere dernier derniere prochain prochaine precedent precedente
    grand grande petit petite gros grosse long longue court courte
    possible impossible necessaire obligatoire exact exacte correct correcte bon bonne mauvais
    concerne concernee concernes concernees prevu prevue prevus prevues exige exigee cense censee censes
    actuel actuelle officiel officielle habituel habituelle normal normale
    chacun chacune tel telle tels telles quelconque quelque quelques demi demie moitie
    supplementaire supplementaires
    suffisant suffisante suffisants suffisantes insuffisant insuffisante valable valables
    conforme conformes indispensable indispensables compatible compatibles
    special speciale speciaux specifique specifiques particulier particuliere
    final finale definitif definitive ultime voisin voisine voisins voisines
    correspondant correspondante correspondants correspondantes relatif relative
    maximal maximale minimal minimale automatique automatiques auto
    competent competente competents competentes
    bloquant bloquante spam spamme spamment spammer vrai vraie faux fausse jouable
    pret prete prets pretes quasi quasiment presque
    marre galere penible chiant chiante lourd lourde
    """

_GENERIC_NOUNS = """
    truc chose choses machin fois cas moment niveau point sujet facon maniere sorte genre type part
    envoi tableau tableur fichier excel document mail message courrier lettre appel
    personne gens equipe collegue collegues service services structure structures coordo coordos
    pharmacien pharmacienne pharmaciens secretaire secretaires stagiaire stagiaires
    fil idee avis retour reponse question doute souci rien moyen volume forme attribution
    chiffre chiffres caractere caracteres lettre lettres sms texto
    bord memoire pile cellule perspective diffusion lendemain veille chef pole boite confirmation directoire
    amont aval melange confusion erreur oubli perimetre cote
    titulaire titulaires modalite modalites passage passages visite visites
    lundi lundis mardi mardis mercredi mercredis jeudi jeudis vendredi vendredis samedi samedis dimanche
    dimanches matin matins soir soirs semaine semaines weekend
    """

# The kind of cancer a patient has: a case's detail that changes no rule (the scope is the drug's route).
_DISEASES = """
    myelome myelomes lymphome lymphomes leucemie leucemies smd myelodysplasique melanome melanomes sarcome
    sarcomes carcinome carcinomes adenocarcinome tumeur tumeurs metastase metastases metastatique
    sein seins poumon poumons colon colorectal rectum prostate ovaire ovaires pancreas vessie rein reins
    estomac oesophage foie cerveau glioblastome orl uterus col endometre testicule thyroide hematologique
    hemopathie hemopathies oncologique solide solides
    """

ORDINARY_WORDS: frozenset[str] = frozenset(
    (_VERBS + _ADVERBS + _ADJECTIVES + _GENERIC_NOUNS + _DISEASES).split()
)
