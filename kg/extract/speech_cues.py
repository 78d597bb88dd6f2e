"""Word lists for attribution: verbs that introduce what someone said or thinks.

Kept apart from the rules in :mod:`kg.extract.statements` so the lists can be read and extended
in one place. Lemmas are lower-case, as spaCy's lemmatiser gives them.
"""
from __future__ import annotations

# Verbs of saying: a clause they govern (``X said (that) ...``) or a quotation next to them
# (``"...," X said``) is a statement by their subject.
SPEECH_VERBS: frozenset[str] = frozenset("""
say tell add claim argue insist warn accuse deny explain note stress announce write tweet
state declare respond reply continue remark acknowledge admit concede suggest recall emphasize
emphasise urge predict promise vow pledge joke quip wonder complain confirm report ask testify
assert contend maintain observe reiterate repeat caution boast brag allege charge counter retort
conclude mention reveal disclose post echo shout yell scream whisper muse lament proclaim
affirm agree answer blast slam criticize criticise praise tout threaten demand propose
recount describe sigh laugh grumble snap thunder cry plead beg inform assure remind advise
signal indicate estimate guarantee swear hint speculate theorize theorise opine clarify
elaborate interject counsel confess concede
""".split())

# Verbs of thinking and perceiving: PolNeAR counts beliefs as attributions too; only their
# clausal complements are taken (``X believes (that) ...``), never a bare object.
COGNITION_VERBS: frozenset[str] = frozenset("""
think believe know hope expect fear feel worry doubt assume guess suspect realize realise
understand show find decide see hold consider figure imagine recognize recognise learn prove
demonstrate reckon bet sense presume suppose trust wish want insist
""".split())

# Speech verbs that also take an infinitive as their content (``urged Congress to act``).
XCOMP_VERBS: frozenset[str] = frozenset("""
urge promise vow pledge ask tell threaten warn call demand advise beg plead vow swear
""".split())

# Verbs of saying whose direct object is what was said or judged (``announced his resignation``,
# ``criticized Trump for ...``): the object (and an ``of``/``for`` phrase after it) is the content.
OBJECT_VERBS: frozenset[str] = frozenset("""
announce deny confirm criticize criticise praise accuse slam blast condemn reject endorse
applaud blame attack mock ridicule dismiss defend welcome
""".split())

# Naming verbs: ``called the show "the best"`` -- the object and what it is called are the content.
NAMING_VERBS: frozenset[str] = frozenset("call label dub brand term".split())

# Verbs of saying that may stand without a complement right beside a quotation and still
# introduce it (``"...," he continued.``). Every SPEECH_VERBS lemma qualifies; these extras
# too (``"...," she laughed``).
QUOTE_ONLY_VERBS: frozenset[str] = frozenset("""
laugh smile sigh shout yell scream whisper cry exclaim chuckle mutter snap chant read
interrupt gush marvel
""".split())

# Subjects that are relative pronouns point back to the noun the clause hangs on.
RELATIVE_PRONOUNS: frozenset[str] = frozenset({"who", "that", "which", "whom"})

# Prepositional cues: ``according to X``.
ACCORDING = "according"
