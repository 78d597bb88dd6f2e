"""Word lists the stance extractor reads: stance-bearing verbs, nouns and adjectives, and the
words that negate, question or hedge them.

Lemmas, lower case. Each cue maps to a polarity (+1 supports, -1 opposes). Kept apart from
the rules in :mod:`kg.extract.stances` so that a reviewer can read and extend the vocabulary
without touching logic, and so that the learned model (:mod:`kg.extract.stance_model`) can use
the same lists as features.
"""
from __future__ import annotations

# -- verbs: holder = subject, target = direct object ------------------------------------------
POSITIVE_VERBS = frozenset("""
support back praise welcome endorse defend thank applaud commend hail laud congratulate
embrace champion admire trust respect credit salute protect favor favour recommend
reward honor honour compliment vindicate exonerate pardon nominate tout
""".split())

NEGATIVE_VERBS = frozenset("""
criticize criticise condemn reject oppose accuse blame attack distrust mistrust slam denounce
sue blast assail rebuke lambast lambaste chastise decry deride mock ridicule insult threaten
impeach indict sanction punish disparage denigrate smear vilify scold berate taunt snub boycott
ban fault scorn bash castigate excoriate skewer ridicule belittle demonize demonise undermine
betray doubt hate despise discredit humiliate harass intimidate bully charge oust depose
topple overthrow invade question challenge confront resist fight block obstruct veto censure
reprimand admonish slander libel defame troll shame denounce repudiate disavow disown
""".split())
# Left out on purpose: acts of force and law (kill, bomb, strike, arrest, convict, investigate,
# fire, beat, defeat): on the training data they mostly report events, not a stance.

# verbs whose target is a prepositional object: (lemma, preposition) -> polarity
PREP_VERBS = {
    ("side", "with"): 1, ("stand", "with"): 1, ("stand", "by"): 1, ("stand", "behind"): 1,
    ("vote", "for"): 1, ("campaign", "for"): 1, ("agree", "with"): 1, ("rally", "behind"): 1,
    ("rally", "around"): 1, ("cooperate", "with"): 1, ("ally", "with"): 1, ("root", "for"): 1,
    ("vouch", "for"): 1, ("speak", "for"): 1, ("stick", "with"): 1, ("stick", "by"): 1,
    ("vote", "against"): -1, ("campaign", "against"): -1, ("disagree", "with"): -1,
    ("fight", "against"): -1, ("rail", "against"): -1, ("speak", "against"): -1,
    ("turn", "on"): -1, ("turn", "against"): -1, ("break", "with"): -1, ("lash", "at"): -1,
    ("side", "against"): -1, ("protest", "against"): -1, ("warn", "against"): -1,
    ("lash", "out"): -1, ("hit", "at"): -1, ("fire", "at"): -1, ("lash", "against"): -1,
    ("clash", "with"): -1, ("feud", "with"): -1, ("spar", "with"): -1, ("rebel", "against"): -1,
    ("retaliate", "against"): -1, ("sneer", "at"): -1, ("scoff", "at"): -1, ("pounce", "on"): -1,
    ("crack", "on"): -1, ("go", "after"): -1, ("pile", "on"): -1, ("hit", "back"): -1,
}

# verb + particle (+ preposition) phrasal cues: (lemma, particle) -> polarity; target = object or pobj
PHRASAL_VERBS = {
    ("call", "out"): -1, ("lash", "out"): -1, ("speak", "out"): -1, ("hit", "out"): -1,
    ("stand", "up"): 1, ("cheer", "on"): 1, ("prop", "up"): 1, ("shore", "up"): 1,
    ("tear", "down"): -1, ("shout", "down"): -1, ("push", "back"): -1, ("crack", "down"): -1,
    ("sign", "on"): 1, ("back", "away"): -1, ("hit", "back"): -1,
}

# -- nouns: "X's support for Y", "criticism of Y by X", "X voiced support for Y" ---------------
POSITIVE_NOUNS = frozenset("""
support backing praise endorsement approval admiration respect trust gratitude thanks
solidarity sympathy applause congratulations tribute loyalty alliance friendship confidence
defense defence
""".split())

NEGATIVE_NOUNS = frozenset("""
criticism condemnation opposition attack attacks accusation accusations allegation allegations
lawsuit distrust mistrust hostility sanctions rebuke denunciation ridicule contempt disdain
animosity hatred scorn threat threats boycott impeachment insult insults jab jabs broadside
tirade diatribe backlash outrage rivalry feud grievance grievances objection objections
""".split())

# nouns naming a person by their stance: "X, a longtime critic of Y", "X is a Y supporter"
RELATIONAL_NOUNS = {
    "critic": -1, "opponent": -1, "foe": -1, "detractor": -1, "enemy": -1, "adversary": -1,
    "nemesis": -1, "accuser": -1, "supporter": 1, "backer": 1, "ally": 1, "fan": 1, "admirer": 1,
    "defender": 1, "champion": 1, "friend": 1, "loyalist": 1, "confidant": 1, "booster": 1,
    "endorser": 1, "donor": 1,
}

# prepositions that introduce the target of a stance noun or adjective
TARGET_PREPS = frozenset({"for", "of", "to", "on", "against", "behind", "toward", "towards", "at",
                          "with", "about", "over", "upon"})

# light verbs whose subject holds the stance named by their object: "X voiced criticism of Y"
LIGHT_VERBS = frozenset("""
express voice offer give lend throw show pledge declare announce extend reiterate signal
launch level mount file bring wage step lodge issue unleash direct hurl make
""".split())

# -- adjectives: "X is critical of Y" ----------------------------------------------------------
POSITIVE_ADJ = frozenset("""
supportive grateful loyal sympathetic friendly favorable favourable fond proud appreciative
thankful warm
""".split())
NEGATIVE_ADJ = frozenset("""
critical hostile opposed wary skeptical sceptical suspicious angry furious dismissive
contemptuous scornful distrustful resentful harsh unfriendly unfavorable unfavourable
""".split())

# -- words that frame a stance in a quote: "talking with X is out of the question" -------------
NEGATIVE_PHRASES = ("out of the question", "not an option", "unacceptable", "cannot be trusted",
                    "can't be trusted", "not be trusted", "a disgrace", "a liar", "a criminal",
                    "a terrorist", "a war criminal", "a dictator", "a threat")
POSITIVE_PHRASES = ("a great leader", "a good man", "a good friend", "a great friend",
                    "a strong leader", "a partner", "an ally")

# -- modifiers --------------------------------------------------------------------------------
NEGATORS = frozenset({"not", "n't", "never", "no", "neither", "nor", "hardly", "barely", "nt"})
# verbs whose complement is not done: "refused to back X" = did not back X
NEGATING_VERBS = frozenset({"refuse", "decline", "fail", "stop", "cease", "deny", "avoid",
                            "reject", "resist", "hesitate"})
# hedges: the stance is hypothetical or asked about, not taken
MODALS = frozenset({"could", "might", "may", "would", "should", "must", "can"})
HEDGING_VERBS = frozenset({"consider", "weigh", "mull", "threaten", "plan", "hope", "want",
                           "seek", "try", "expect", "intend", "aim", "promise", "vow", "pledge"})

# verbs of saying: a stance inside their complement is reported by their subject
SAYING_VERBS = frozenset("""
say tell add claim argue insist warn assure report state note explain write tweet announce
declare acknowledge admit suggest believe think contend allege stress emphasize emphasise
maintain assert reveal confirm deny
""".split())

# common nouns that name actors (so "the senator" can be a holder or target)
ACTOR_NOUNS = frozenset("""
president senator governor mayor minister secretary official officials spokesman spokeswoman
spokesperson government administration leader leaders lawmaker lawmakers legislator legislators
congressman congresswoman representative ambassador diplomat diplomats general commander
army military militia militias forces rebels police prosecutor prosecutors judge court
party campaign candidate nominee chairman chairwoman chief director king queen prince
prime premier chancellor regime authorities ministry department agency committee council
parliament congress senate democrats republicans conservatives liberals critics supporters
opponents allies activists protesters voters company firm group union coalition team
strongman dictator envoy delegation state states country nation
""".split())

PERSON_PRONOUNS = frozenset({"he", "him", "his", "she", "her", "hers"})
GROUP_PRONOUNS = frozenset({"they", "them", "their", "we", "us", "our", "it", "its"})
FIRST_PERSON = frozenset({"i", "me", "my", "we", "us", "our"})


def verb_polarity(lemma: str) -> int:
    """+1 / -1 for a stance verb, 0 for anything else."""
    if lemma in POSITIVE_VERBS:
        return 1
    if lemma in NEGATIVE_VERBS:
        return -1
    return 0


def noun_polarity(lemma: str) -> int:
    """+1 / -1 for a stance noun, 0 for anything else."""
    if lemma in POSITIVE_NOUNS:
        return 1
    if lemma in NEGATIVE_NOUNS:
        return -1
    return 0


def adj_polarity(lemma: str) -> int:
    """+1 / -1 for a stance adjective, 0 for anything else."""
    if lemma in POSITIVE_ADJ:
        return 1
    if lemma in NEGATIVE_ADJ:
        return -1
    return 0


def cue_polarity(lemma: str) -> int:
    """Polarity of any cue word regardless of part of speech (used as a model feature)."""
    return verb_polarity(lemma) or noun_polarity(lemma) or adj_polarity(lemma)

# "X came under attack from Y", "X, which has come under assault by Y", "X is under fire from Y":
# the noun after "under" is a stance Y holds against the subject X.
UNDER_NOUNS = {
    "attack": -1, "assault": -1, "fire": -1, "siege": -1, "bombardment": -1, "criticism": -1,
    "threat": -1, "shelling": -1, "pressure": -1,
}
