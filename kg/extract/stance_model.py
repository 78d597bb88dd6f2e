"""A small learned classifier of directed stance between two mentions of one sentence.

For each pair of candidate mentions (a before b) it predicts one of five classes: neutral,
a supports b, b supports a, a opposes b, b opposes a. Features are read from the parse the
pipeline already made (dependency path, the words between and around, the cue lexicon, what
the rules found; see :func:`pair_features`), so it adds no second model pass. Inference is a
sparse dot product in plain numpy over weights fitted by ``training/fit_stance_model.py``
on the training split of the directed-sentiment corpus of Park, Pan & Joo (2021), "Who Blames
or Endorses Whom? Entity-to-Entity Directed Sentiment Extraction in News Text", Findings of
ACL. Only learned parameters ship (``kg/data/stance_model.npz``), never the corpus rows.
"""

from __future__ import annotations

import bisect
import logging
from pathlib import Path

import numpy as np
from spacy.tokens import Doc, Token
from spacy.tokens import Span as SpacySpan

from kg.extract import lexicon as lex
from kg.extract.stance_rules import ACTOR_LABELS, TOPIC_LABELS, Cue
from kg.extract.syntax import doc_context, sentence_of
from kg.extract.weights import cached_weights
from kg.settings import STANCE_MODEL_PATH, Settings

log = logging.getLogger(__name__)

MODEL_PATH = Path(STANCE_MODEL_PATH)  # KG_STANCE_MODEL names another (e.g. fitted on part of the data), or "none"
CLASSES = ("neutral", "a_pos_b", "b_pos_a", "a_neg_b", "b_neg_a")
MAX_MENTIONS = 12  # per sentence: beyond that, pairs grow quadratically for little gain
# proper nouns that name times, not actors or issues
_NOT_NAMES = frozenset(
    """january february march april may june july august september october november
december monday tuesday wednesday thursday friday saturday sunday mr mrs ms dr""".split()
)


# ---------------------------------------------------------------- candidate mentions


def candidate_mentions(sent: SpacySpan) -> list[tuple[int, int]]:
    """Token ranges in ``sent`` that may hold or receive a stance: named entities of actor and
    issue types (possessive marker dropped) and runs of proper nouns the model left unlabelled."""
    doc = sent.doc
    out: list[tuple[int, int]] = []
    covered: set[int] = set()
    for ent_start, ent_end, label in entities_in(sent):
        if label not in ACTOR_LABELS and label not in TOPIC_LABELS:
            continue
        start, end = ent_start, ent_end
        while end > start + 1 and (doc[end - 1].tag_ == "POS" or doc[end - 1].is_punct):
            end -= 1
        while start < end - 1 and (doc[start].is_punct or doc[start].lower_ == "the"):
            start += 1
        out.append((start, end))
        covered.update(range(ent_start, ent_end))
    i = sent.start
    while i < sent.end:
        if i not in covered and _name_like(doc[i], sent.start):
            j = i
            while j < sent.end and j not in covered and _name_like(doc[j], sent.start):
                j += 1
            out.append((i, j))
            i = j
        else:
            i += 1
    out.sort()
    return out[:MAX_MENTIONS]


def entities_in(sent: SpacySpan) -> list[tuple[int, int, str]]:
    """(start, end, label) of the named entities within ``sent``, as ``sent.ents`` gives them.

    ``Span.ents`` rebuilds every entity of the whole Doc on each call, which made this
    quadratic in the article's length; the Doc's entities are read once and kept in its
    :class:`~kg.extract.syntax.DocContext`."""
    doc = sent.doc
    ctx = doc_context(doc)
    ents = ctx.ents
    if ents is None:
        ents = ctx.ents = [(e.start, e.end, e.label_) for e in doc.ents]
    out = []
    for k in range(bisect.bisect_left(ents, (sent.start,)), len(ents)):
        start, end, label = ents[k]
        if start >= sent.end:
            break
        if end <= sent.end:
            out.append((start, end, label))
    return out


def _name_like(tok: Token, sent_start: int) -> bool:
    """A word the entity recogniser missed that still looks like a name: a capitalised proper
    noun ("GOP"), an initial ("U."), or a capitalised noun inside the sentence ("Pence")."""
    text = tok.text
    if tok.lower_ in _NOT_NAMES:
        return False
    if len(text) == 2 and text[0].isupper() and text[1] == ".":
        return tok.pos_ == "PROPN"
    if not tok.is_alpha or not (tok.is_title or tok.is_upper):
        return False
    if tok.pos_ == "PROPN" or (tok.pos_ == "NOUN" and tok.i > sent_start and len(text) > 1):
        return True
    # acronyms the tagger read as another part of speech ("OSHA", "IDG")
    if tok.is_upper and len(text) > 1 and tok.pos_ in ("NOUN", "ADJ", "ADV", "VERB", "X", "INTJ"):
        return True
    # a sentence-initial singular word without a determiner that acts as a subject or owner is
    # almost always a name the tagger misread ("Trump said", "Pence's aides")
    return (
        tok.i == sent_start
        and tok.tag_ in ("NN", "VB", "VBP", "JJ", "UH")
        and tok.dep_ in ("nsubj", "nsubjpass", "poss", "compound")
        and not any(c.dep_ == "det" for c in tok.children)
    )


def head_of(doc: Doc, rng: tuple[int, int]) -> Token:
    return doc[rng[0] : rng[1]].root


# ---------------------------------------------------------------- features


def _path(a: Token, b: Token) -> tuple[list[Token], list[Token], Token | None]:
    """Tokens from a up to the lowest common ancestor, and from b up to it."""
    up_a = [a] + list(a.ancestors)
    up_b = [b] + list(b.ancestors)
    ids_b = {t.i: k for k, t in enumerate(up_b)}
    for k, t in enumerate(up_a):
        if t.i in ids_b:
            return up_a[:k], up_b[: ids_b[t.i]], t
    return up_a, up_b, None


def _bucket(n: int) -> str:
    for lim in (1, 2, 4, 7, 12, 20):
        if n <= lim:
            return str(lim)
    return "more"


def pair_features(doc: Doc, a: tuple[int, int], b: tuple[int, int], cues: list[Cue]) -> list[str]:
    """Sparse binary features of the mention pair a (earlier) and b (later)."""
    ha, hb = head_of(doc, a), head_of(doc, b)
    f: list[str] = []
    la = doc[a[0]].ent_type_ or "NONE"
    lb = doc[b[0]].ent_type_ or "NONE"
    f += [f"la:{la}", f"lb:{lb}", f"lab:{la}|{lb}"]
    f += [f"da:{ha.dep_}", f"db:{hb.dep_}", f"dab:{ha.dep_}|{hb.dep_}"]
    f += [f"hda:{ha.head.lemma_.lower()}", f"hdb:{hb.head.lemma_.lower()}"]
    f += [f"dhda:{ha.dep_}|{ha.head.lemma_.lower()}", f"dhdb:{hb.dep_}|{hb.head.lemma_.lower()}"]
    up_a, up_b, lca = _path(ha, hb)
    deps = "^".join(t.dep_ for t in up_a) + "|" + "v".join(t.dep_ for t in reversed(up_b))
    f.append(f"path:{deps}" if len(up_a) + len(up_b) <= 6 else "path:long")
    f.append(f"plen:{_bucket(len(up_a) + len(up_b))}")
    inside = set(range(a[0], a[1])) | set(range(b[0], b[1]))
    path_toks = [t for t in up_a[1:] + up_b[1:] if t.i not in inside]
    if lca is not None:
        f += [f"lca:{lca.lemma_.lower()}", f"lcapos:{lca.pos_}", f"lcad:{ha.dep_}|{lca.lemma_.lower()}|{hb.dep_}"]
        if lca.i not in inside:
            path_toks.append(lca)
    path_pol = 0
    for t in path_toks:
        lem = t.lemma_.lower()
        f.append(f"pl:{lem}")
        p = lex.cue_polarity(lem)
        if p:
            neg = any(c.dep_ == "neg" for c in t.children)
            f.append(f"pcue:{p}:{int(neg)}")
            path_pol += p * (-1 if neg else 1)
        if lem in lex.SAYING_VERBS:
            f.append("psay")
    f.append(f"ppol:{np.sign(path_pol)}")
    between = doc[a[1] : b[0]]
    f.append(f"dist:{_bucket(len(between))}")
    bpol = 0
    prev = "<a>"
    for t in between:
        lem = t.lemma_.lower()
        f.append(f"bw:{lem}")
        f.append(f"bb:{prev}|{lem}")
        prev = lem
        p = lex.cue_polarity(lem)
        if p:
            bpol += p
            f.append(f"bcue:{p}")
        if t.dep_ == "neg":
            f.append("bneg")
        if t.text in ('"', "“", "”"):
            f.append("bquote")
    f.append(f"bb:{prev}|<b>")
    f.append(f"bpol:{np.sign(bpol)}")
    sent = sentence_of(ha)
    for t in doc[max(a[0] - 3, sent.start) : a[0]]:
        f.append(f"pre:{t.lemma_.lower()}")
    for t in doc[b[1] : min(b[1] + 3, sent.end)]:
        f.append(f"post:{t.lemma_.lower()}")
    f += _sentence_features(sent)
    for c in cues:
        if c.holder is None or c.target is None or not c.polarity:
            continue
        h_a, h_b = _ov(c.holder, a), _ov(c.holder, b)
        t_a, t_b = _ov(c.target, a), _ov(c.target, b)
        d = "ab" if (h_a and t_b) else "ba" if (h_b and t_a) else None
        if d:
            f += [f"rule:{d}:{c.polarity}", f"rulek:{d}:{c.polarity}:{c.kind}:{int(c.hedged)}"]
        elif t_b or t_a:
            f.append(f"rulet:{'b' if t_b else 'a'}:{c.polarity}")
        elif h_a or h_b:
            f.append(f"ruleh:{'a' if h_a else 'b'}:{c.polarity}")
    return f


def _sentence_features(sent: SpacySpan) -> list[str]:
    """Features of the whole sentence, computed once per sentence (in the Doc's context)."""
    cache = doc_context(sent.doc).sent_feats
    key = (sent.start, sent.end)
    if key not in cache:
        spol = sum(lex.cue_polarity(t.lemma_.lower()) for t in sent)
        out = [f"spol:{np.sign(spol)}"]
        if sent.text.rstrip().endswith("?"):
            out.append("question")
        cache[key] = out
    return cache[key]


def _ov(x: tuple[int, int], y: tuple[int, int]) -> bool:
    return x[0] < y[1] and y[0] < x[1]


# ---------------------------------------------------------------- inference


class StanceModel:
    """Weights of the pair classifier: ``index`` maps a feature to its row of ``weights``."""

    def __init__(
        self, features: list[str], weights: np.ndarray, bias: np.ndarray, threshold: float, meta: dict | None = None
    ):
        self.index = {name: k for k, name in enumerate(features)}
        self.weights = weights.astype(np.float32)
        self.bias = bias.astype(np.float32)
        self.threshold = float(threshold)
        self.meta = meta or {}

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> StanceModel:
        with np.load(path, allow_pickle=False) as z:
            meta = {k: str(z[k]) for k in ("citation", "fitted_on") if k in z}
            return cls([str(x) for x in z["features"]], z["weights"], z["bias"], float(z["threshold"]), meta)

    def probabilities(self, feature_lists: list[list[str]]) -> np.ndarray:
        """Class probabilities (rows in :data:`CLASSES` order) for each pair's features."""
        if not feature_lists:
            return np.zeros((0, len(CLASSES)), dtype=np.float32)
        rows, cols = [], []
        for r, feats in enumerate(feature_lists):
            for name in set(feats):
                k = self.index.get(name)
                if k is not None:
                    rows.append(r)
                    cols.append(k)
        scores = np.tile(self.bias, (len(feature_lists), 1))
        if rows:
            np.add.at(scores, np.asarray(rows), self.weights[np.asarray(cols)])
        scores -= scores.max(axis=1, keepdims=True)
        e = np.exp(scores)
        return e / e.sum(axis=1, keepdims=True)


@cached_weights("stance model", (OSError, KeyError, ValueError), "rules only")
def model_at(path: Path) -> StanceModel:
    """The pair model in the weights file ``path`` (None: switched off), loaded once per path."""
    return StanceModel.load(path)


def default_model(settings: Settings | None = None) -> StanceModel | None:
    """The pair model the settings name (``stance_model``; default :meth:`Settings.load`); None
    when it is switched off, or (logged once) missing or unreadable."""
    return model_at((settings or Settings.load()).stance_model)
