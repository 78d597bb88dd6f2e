"""Names and titles: reading an article's named entities into name mentions.

The first step of :func:`kg.extract.actors.extract_actors`: every PERSON, ORG, GPE, NORP (FAC,
LOC) entity becomes a :class:`Mention` with its cleaned name, the titles written before or
inside it ("Field Marshal Khalifa Haftar" -> the name "Khalifa Haftar" and the title "Field
Marshal"), a gender cue, and the token a title belongs to ("Libyan"); gazetteer names the model
missed are found by a case-sensitive scan. The string helpers here (clean names, person labels
without middle initials, initials and acronyms, title segments) have no state.
"""

from __future__ import annotations

import functools
import logging
import re
from dataclasses import dataclass, field

from spacy.tokens import Span as SpacySpan
from spacy.tokens import Token

from kg.extract import lexicon as T
from kg.extract import places
from kg.gazetteer import Entry, normalize
from kg.records import Actor, ActorType

log = logging.getLogger(__name__)

APOSTROPHES = {"'s", "’s", "'", "’", "`s"}
PLURAL_TAGS = {"NNS", "NNPS"}
PERSON_TYPES = (ActorType.Person,)
NONPERSON = (
    ActorType.Organization,
    ActorType.Government,
    ActorType.Country,
    ActorType.Group,
    ActorType.Media,
    ActorType.InternationalOrganization,
    ActorType.Party,
)
READ = ("PERSON", "ORG", "GPE", "NORP", "FAC", "LOC")  # the entity labels read as actors
_INITIAL = re.compile(r"^[A-Z]\.?$")


@dataclass
class Mention:
    """A name found in the text before it is merged into an actor."""

    start: int  # token indices [start, end)
    end: int
    name: str
    type: str
    entry: Entry | None = None
    titles: list[str] = field(default_factory=list)
    qualifier: int | None = None  # token index of what the first title belongs to ("Libyan", "U.S.")
    gender: str | None = None
    key: str = ""
    place: str | None = None  # the readable name of the place it names ("Texas"): no actor unless it acts
    acts: bool = False  # a place that acts ("Texas sued") is its government
    iri: str | None = None  # the IRI when it is not minted from the name and type ("Government of Texas")
    party: str | None = None  # "D", "R" or "I" from a tag after the name: "(D-Calif.)"
    tag_tokens: list[int] = field(default_factory=list)  # the tokens of that tag


# ====================================================================== helpers on tokens
_ACRONYM = re.compile(r"^(?:[A-Z]\.?){2,6}$")


def initials(name: str) -> str:
    """The capitals an acronym of ``name`` would be made of: "Democratic National Committee"
    -> "DNC", "Government of National Accord" -> "GNA" (function words are skipped)."""
    words = re.findall(r"[^\W\d_][\w’'-]*", name)
    return "".join(w[0].upper() for w in words if w.lower() not in T.NOT_INITIALLED)


def acronym_partner(label: str, actors: list[Actor]) -> Actor | None:
    """The latest non-person actor whose name ``label`` abbreviates, or whose abbreviation
    ``label`` spells out; None if there is none. Only all-capital acronyms of two to six letters
    (dots allowed: "D.N.C.") count, against names of at least two words."""

    def acronym(text: str) -> str | None:
        text = text.strip()
        return text.replace(".", "") if _ACRONYM.match(text) else None

    short = acronym(label)
    long_initials = initials(label) if short is None and len(label.split()) >= 2 else None
    if short is None and (long_initials is None or len(long_initials) < 2):
        return None
    for actor in reversed(actors):
        if actor.type not in NONPERSON:
            continue
        if short is not None:
            if len(actor.label.split()) >= 2 and initials(actor.label) == short:
                return actor
        elif acronym(actor.label) == long_initials:
            return actor
    return None


def clean_name(text: str) -> str:
    """A name as a label: spaces collapsed, possessive, leading "the", stray brackets and quotes cut,
    curly apostrophes straightened ("Martin O’Malley" and "Martin O'Malley" are one label)."""
    text = re.sub(r"\s+", " ", text).strip()
    text = re.sub(r"[\[\]{}]", "", text).strip(" \"“”‘'’")
    for suffix in ("’s", "'s", "’", "'"):
        if text.endswith(suffix):
            text = text[: -len(suffix)]
    if text.lower().startswith("the "):
        text = text[4:]
    return text.replace("’", "'").strip(' ,;:-"“”')


def person_label(name: str) -> str:
    """Canonical person name: middle initials dropped ("Donald J. Trump" -> "Donald Trump")."""
    words = name.split()
    if len(words) > 2:
        kept = [w for i, w in enumerate(words) if not (0 < i < len(words) - 1 and _INITIAL.match(w))]
        words = kept or words
    return " ".join(words)


def first_name_gender(name: str) -> str | None:
    words = name.split()
    if len(words) < 2:
        return None
    first = words[0].lower()
    return "male" if first in T.MALE_NAMES else "female" if first in T.FEMALE_NAMES else None


def is_title_token(tok: Token) -> bool:
    low = tok.lower_
    return (
        low in T.ABBREVIATIONS or low in T.HONORIFICS or low in T.TITLE_WORDS or low.rstrip(".") in T.TITLE_WORDS
    ) and not tok.is_punct


def segments(words: list[Token]) -> list[tuple[str, list[Token]]]:
    """Split the title tokens before a name into titles: abbreviations stand alone, honorifics
    are dropped, other runs must hold a post word ("militia leader", "Deputy Prime Minister")."""
    out: list[tuple[str, list[Token]]] = []
    run: list[Token] = []

    def flush() -> None:
        kept = [t for t in run if t.lower_ not in T.TITLE_QUALIFIERS]
        while kept and kept[-1].lower_ in {"of", "the"}:
            kept.pop()
        while kept and kept[0].lower_ in {"of", "the"}:
            kept.pop(0)
        if kept:
            phrase = " ".join(t.text for t in kept)
            canon = T.TITLE_CANON.get(phrase.lower())
            if canon or any(t.lower_ in T.ROLE_HEADS or t.lower_ in T.TITLE_CANON for t in kept):
                out.append((canon or phrase, list(run)))
        run.clear()

    for tok in words:
        low = tok.lower_
        if low in T.HONORIFICS and low not in T.TITLE_WORDS:
            flush()
            continue
        if low in T.ABBREVIATIONS:
            flush()
            out.append((T.ABBREVIATIONS[low], [tok]))
            continue
        run.append(tok)
    flush()
    return out


# ====================================================================== words that name no actor
@functools.lru_cache(maxsize=1)
def _bare_titles() -> frozenset[str]:
    words = {t.lower() for t in T.TITLES} | set(T.ROLE_HEADS) | {v.lower() for v in T.ABBREVIATIONS.values()}
    words |= {a.rstrip(".") for a in T.ABBREVIATIONS} | T.BARE_TITLE_EXTRA
    return frozenset(normalize(w) for w in words)


@functools.lru_cache(maxsize=1)
def _full_titles() -> frozenset[str]:
    return frozenset(normalize(t) for t in T.TITLES) | frozenset(normalize(t) for t in T.ROLE_HEADS)


def group_label(name: str) -> str:
    """A group's label in one spelling: capitals readable, AP style without the hyphen
    ("African-Americans" -> "African Americans", "Muslim-American voters" -> "Muslim American voters")."""
    name = readable(name)
    for adj in T.GROUP_ADJECTIVES:
        if " " in adj:
            name = re.sub(
                re.escape(adj).replace(r"\ ", "[-‐‑ ]"),
                lambda x: x.group(0).replace("-", " ").replace("‐", " ").replace("‑", " "),
                name,
                flags=re.IGNORECASE,
            )
    return name


def not_an_actor(name: str) -> str | None:
    """Why ``name`` alone names no actor, or None: ``"letter"`` ("D", "R" of "(D-Calif.)"),
    ``"title"`` (a bare title or post: "State" of "Secretary of State", "President", "Senators"),
    ``"adjective"`` (a demonym or religion adjective: "Islamic", "Hispanic", "African American"),
    ``"word"`` ("PAC", "Super PAC"). Gazetteer names are checked before this ("House", "Senate").

    >>> [not_an_actor(n) for n in ("D", "State", "President", "Islamic", "PAC", "Texas", "Muslims", "王毅")]
    ['letter', 'title', 'title', 'adjective', 'word', None, None, None]
    """
    key = normalize(name)
    if sum(c.isalpha() for c in name) <= 1:
        return "letter"
    if not key:
        return None  # a name in another script ("Алексей Навальный"): the English word lists do not apply
    acronym = name.strip().isupper() and 2 <= len(name.strip()) <= 6 and " " not in name.strip()
    if re.match(r"(?:pro|anti|non)[-‐‑]", name.strip(), re.IGNORECASE):
        return "adjective"  # "pro-Clinton", "anti-Trump"
    if key in T.NOT_ACTOR_WORDS:
        return "word"
    titles = _bare_titles()
    if acronym and key not in _full_titles():
        titles = frozenset()  # "SEC", "GEN" in capitals are acronyms, not "Sec.", "Gen."; "CEO" is a title
    if key in titles or (key.endswith("s") and key[:-1] in titles):
        return "title"  # ("SEC", "GEN" written in capitals are acronyms, not "Sec.", "Gen.")
    if key in T.GROUP_ADJECTIVES:
        return "adjective"
    return None


def plural_group(name: str) -> bool:
    """Is ``name`` a group of people named in the plural of a demonym or religion adjective
    ("Muslims", "Latinos", "Evangelicals", "African-Americans")?"""
    key = normalize(name)
    return key.endswith("s") and (key[:-1] in T.GROUP_ADJECTIVES or key[:-2] in T.GROUP_ADJECTIVES)


def readable(name: str) -> str:
    """A name written in capitals (a dateline, a headline) in its usual casing: ``"NEW HAMPSHIRE"``
    -> ``"New Hampshire"``, ``"O'MALLEY"`` -> ``"O'Malley"``; acronyms ("FBI", "NATO", "U.S.") and
    mixed-case names are kept as they are.

    >>> readable("DES MOINES"), readable("FBI"), readable("Des Moines"), readable("BERNIE SANDERS")
    ('Des Moines', 'FBI', 'Des Moines', 'Bernie Sanders')
    """
    letters = [c for c in name if c.isalpha()]
    if not letters or not all(c.isupper() for c in letters):
        return name
    words = name.split()
    if len(words) == 1 and len(letters) <= 4:
        return name
    out = []
    for n, w in enumerate(words):
        if "." in w or (len(w) <= 2 and len(words) > 1 and w.lower() not in T.SMALL_NAME_WORDS):
            out.append(w)  # "U.S.", "D.C.", "UN"
        elif n > 0 and w.lower() in T.SMALL_NAME_WORDS:
            out.append(w.lower())
        else:
            out.append(
                re.sub(r"(?<=[’'])([A-Z])(?=[A-Za-z]{2})", lambda x: x.group(1), w.title())
                .replace("’S", "’s")
                .replace("'S", "'s")
            )
    return " ".join(out)


# a dateline at the start of a paragraph: "NEW YORK (AP) —", "NASHUA, N.H. -", "WASHINGTON --"
_DATELINE = re.compile(
    r"[A-Z][A-Za-z.’'-]*(?: [A-Z][A-Za-z.’'-]*){0,3}(?:,\s*[A-Z][A-Za-z.]*(?:\s?[A-Z][A-Za-z.]*)?)?"
    r"\s*(?:\([A-Za-z .&/]{1,40}\)\s*)?(?:[—–]|-{1,2})\s"
)


def in_dateline(text: str, start: int) -> bool:
    """Does the name at character ``start`` open a dateline ("NEW YORK (AP) — ...")?"""
    line_start = text.rfind("\n", 0, start) + 1
    if text[line_start:start].strip():
        return False
    return _DATELINE.match(text, start) is not None


# a party tag after a legislator's name: "(D-Calif.)", "(R-Texas)", "(I-Vt.)", "(D-NY)", ", R-N.C.,"
PARTY_TAG = re.compile(
    r"\s*\(\s*([DRI])\s*[-–]\s*([A-Z][A-Za-z. ]{0,18}?)\s*(?:,[^)]{0,30})?\)"
    r"|,\s*([DRI])[-–]([A-Z][A-Za-z.]{0,6}(?: [A-Z][a-z]+)?)(?=[,;)]|\s*$|\s+[a-z])"
)
PARTY_OF_TAG = {"D": "Democratic Party", "R": "Republican Party"}


class NameReader:
    """Step 1 of the extraction (mixed into the builder): entities -> :class:`Mention`."""

    # ---------------------------------------------------------------- 1. names
    def mentions(self) -> list[Mention]:
        out: list[Mention] = []
        for ent in self.doc.ents:
            if ent.label_ not in READ:
                continue
            m = self._read_entity(ent)
            if m is not None:
                out.append(m)
        if self.gaz is not None:
            out.extend(self._missed_names())
            out.sort(key=lambda m: m.start)
        return out

    def _missed_names(self) -> list[Mention]:
        """Gazetteer names the model did not tag ("U. S. officials", "Trump supporters")."""
        doc, cased = self.doc, self.gaz.cased_names()
        out: list[Mention] = []
        i, n = 0, len(doc)
        while i < n:
            tok = doc[i]
            ent = self.ent_at.get(i)
            # inside an entity the model typed as something else ("Black Lives Matter" as WORK_OF_ART), a
            # gazetteer name may replace the whole entity; inside an actor-like entity, never
            options = cased.get(tok.text) if ent is None or (ent.label_ not in READ and ent.start == i) else None
            if not options:
                i += 1
                continue
            for words, entry in options:
                j = i + len(words)
                if j > n or tuple(t.text for t in doc[i:j]) != words:
                    continue
                if any(k in self.ent_at for k in range(i, j)) and not (ent is not None and ent.end == j):
                    continue
                # part of a longer name the model missed ("Ivanka Trump"): leave it alone
                before = doc[i - 1] if i > 0 else None
                after = doc[j] if j < n else None
                if (
                    before is not None
                    and before.pos_ == "PROPN"
                    and before.text[:1].isupper()
                    and before.lower_ not in T.HONORIFICS
                    and before.lower_ not in T.ABBREVIATIONS
                    and before.lower_ not in T.TITLE_CANON
                ) or (after is not None and after.pos_ == "PROPN" and after.text[:1].isupper()):
                    continue
                if doc[j - 1].pos_ not in ("PROPN", "NOUN", "ADJ") and len(words) == 1:
                    continue
                m = Mention(i, j, " ".join(words), entry.type, entry=entry)
                if entry.type == ActorType.Country:
                    m.entry = self._government_or_country(entry, doc[j - 1])
                    m.type = m.entry.type
                elif entry.type == ActorType.Person:
                    outer, m.qualifier = self._titles_before(i, j)
                    m.titles = [t for t, _ in segments(outer)] if outer else []
                    m.gender = entry.gender
                out.append(m)
                i = j - 1
                break
            i += 1
        return out

    def _read_entity(self, ent: SpacySpan) -> Mention | None:
        doc = self.doc
        start, end = ent.start, ent.end
        while end > start and (doc[end - 1].text in APOSTROPHES or doc[end - 1].tag_ == "POS"):
            end -= 1
        # "Young Americans for Freedom (YAF": the name ends where a bracket opens
        end = next((k for k in range(start + 1, end) if doc[k].text in ("(", "[")), end)
        if end > start and doc[start].lower_ == "the" and ent.label_ != "ORG":
            start += 1
        elif end > start + 1 and doc[start].text == "the":
            start += 1
        # titles and honorifics inside the entity ("Field Marshal Khalifa Haftar")
        inner: list[Token] = []
        while end - start > 1 and is_title_token(doc[start]) and doc[start].lower_ not in {"of", "the"}:
            inner.append(doc[start])
            start += 1
        if inner and ent.label_ != "PERSON":
            strong = any(t.lower_ in T.HONORIFICS or t.lower_ in T.ABBREVIATIONS for t in inner) or len(inner) > 1
            rest = doc[start:end]
            looks_like_name = all(t.text[:1].isupper() for t in rest) and not any(
                t.lower_ in T.MEDIA_WORDS or t.lower_ in T.GROUP_WORDS or t.lower_ in T.GOVERNMENT_ORG_WORDS
                for t in rest
            )
            if not (
                looks_like_name
                and (strong or end - start >= 2)
                and any(
                    t.lower_ in T.PERSON_TITLE_WORDS
                    or t.lower_ in T.HONORIFICS
                    or t.lower_ in T.ROLE_HEADS
                    or t.lower_ in T.ABBREVIATIONS
                    for t in inner
                )
            ):
                start -= len(inner)  # "General Motors", "National Guard": not a title
                inner = []
        if end <= start:
            return None
        name = readable(clean_name(doc[start:end].text))
        if not name or not any(c.isalpha() for c in name):
            return None
        label = ent.label_
        index = self.index
        known = self.gaz.lookup(name) if self.gaz is not None else None
        # a dateline ("NEW YORK (AP) —", "NASHUA, N.H. -") names where the article was written
        if (
            label in ("GPE", "LOC", "ORG", "FAC")
            and in_dateline(index.text, doc[start].idx)
            and (
                name != doc[start:end].text
                or known is not None
                and known.type in (ActorType.Country, ActorType.Government)
                or places.place(name) is not None
                or places.country_name(name) is not None
                or (self.gaz is not None and self.gaz.seat(name) is not None)
            )
        ):
            index._not_actor.update(range(ent.start, ent.end))
            return None
        # a bare title ("State" of "Secretary of State", "President"), a letter, "PAC"; but a surname
        # that is also a title is a name ("King" after "Rep. Steve King")
        why = not_an_actor(name) if known is None else None
        if why == "title" and label == "PERSON" and (normalize(name) in self._surnames() or self._bare_name(start)):
            why = None
        if why is not None and not (why == "adjective" and label == "NORP"):
            if why == "title":
                index._titles.update(range(ent.start, ent.end))  # a stance on it may still find its holder
            elif why != "adjective":
                index._not_actor.update(range(ent.start, ent.end))
            return None
        outer, qualifier = self._titles_before(start - len(inner), end)
        titles_tokens = outer + inner
        person_cue = any(
            t.lower_ in T.HONORIFICS
            or t.lower_ in T.ABBREVIATIONS
            or t.lower_ in T.ROLE_HEADS
            or t.lower_ in T.PERSON_TITLE_WORDS
            for t in inner
        )
        m = Mention(start, end, name, "")
        if (
            label in ("PERSON", "ORG")
            and " " not in name
            and name[:1].isupper()
            and name.endswith("s")
            and start > 0
            and doc[start - 1].lower_ == "the"
            and self._family(name)
        ):
            m.type = ActorType.Group  # "the Clintons", "the Obamas": a family
            return m
        if (
            label != "NORP"
            and known is None
            and not person_cue
            and (plural_group(name) or (self.gaz is not None and self.gaz.demonym(name) is not None))
        ):
            return self._people(m, doc[end - 1], [t.lower_ for t in doc[start:end]])  # "Latinos", "German"
        if (
            label == "PERSON"
            and not person_cue
            and self.gaz is not None
            and " " not in name
            and self.gaz.lookup(name, PERSON_TYPES) is None
        ):
            other = self.gaz.lookup(name, NONPERSON)
            if other is not None and other.type not in (ActorType.Country, ActorType.Government):
                m.type, m.entry = other.type, other  # "Twitter" read as a person
                return m
        if label == "PERSON" or person_cue:
            m.type = ActorType.Person
            m.titles = [t for t, _ in segments(titles_tokens)] if titles_tokens else []
            m.qualifier = qualifier
            m.gender = self._gender_cue(titles_tokens) or first_name_gender(name)
            self._party_tag(m)
            return m
        return self._classify_other(ent, m)

    def _titles_before(self, i: int, end: int | None = None) -> tuple[list[Token], int | None]:
        """Title tokens written right before token ``i`` (a name ending before ``end``) and the token
        they belong to (a demonym, a country or organisation name, or a possessor). Only words that
        modify this name in the parse count as its titles ("the federal judge Trump was referring
        to" gives Trump no title); honorifics and abbreviated ranks ("Mr.", "Sen.") always do."""
        doc = self.doc
        words: list[Token] = []
        qualifier = None
        j = i - 1
        while j >= 0 and i - j <= 8:
            tok = doc[j]
            if tok.text in APOSTROPHES or tok.tag_ == "POS":
                # "Libya's Deputy Prime Minister": the possessor is the qualifier
                qualifier = j - 1 if j > 0 else None
                break
            if (
                j in self.ent_at
                and self.ent_at[j].label_ in ("NORP", "GPE", "ORG")
                and not (j in self.index._titles and is_title_token(tok))
            ):
                qualifier = j
                break
            if not is_title_token(tok):
                break
            words.append(tok)
            j -= 1
        words.reverse()
        # a run that does not end in a title or post word is not a title ("the" alone, "of")
        while words and words[0].lower_ in {"of", "the"}:
            words.pop(0)
        if words and not self._modifies(words, i, end if end is not None else i + 1):
            words = [t for t in words if t.lower_ in T.HONORIFICS or t.lower_ in T.ABBREVIATIONS]
            qualifier = None
        return words, qualifier

    def _bare_name(self, i: int) -> bool:
        """Is the title word at token ``i`` used as a surname: no determiner, possessor or title
        before it ("attacking King", not "the President", "our Governor")?"""
        if i == 0:
            return False
        prev = self.doc[i - 1]
        return not (
            prev.lower_ in T.DEFINITE_DETERMINERS
            or prev.lower_ in T.PRONOUNS
            or prev.lower_ in {"a", "an"}
            or prev.tag_ == "POS"
            or prev.text in APOSTROPHES
            or is_title_token(prev)
            or prev.is_sent_start
            or prev.is_punct
        )

    def _family(self, name: str) -> bool:
        """Is ``name`` ("Clintons", "Bushes") the plural of a person's surname in this article or the
        gazetteer?"""
        for stem in (name[:-1], name[:-2] if name.endswith("es") else None):
            if stem and (
                normalize(stem) in self._surnames()
                or (self.gaz is not None and self.gaz.lookup(stem, (ActorType.Person,)) is not None)
            ):
                return True
        return False

    def _surnames(self) -> set[str]:
        """Last words of the two-word-or-longer PERSON names in the article ("king" of "Steve King")."""
        found = getattr(self, "_surname_cache", None)
        if found is None:
            found = self._surname_cache = {
                normalize(e[-1].text) for e in self.doc.ents if e.label_ == "PERSON" and len(e) >= 2
            }
        return found

    def _modifies(self, words: list[Token], start: int, end: int) -> bool:
        """Do the title ``words`` (right before the name ``[start, end)``) modify that name in the
        parse: a title word's heads lead into the name ("Secretary of State John Kerry"), or the name
        hangs on a title word ("Libya's deputy prime minister Ahmed Maiteeq" read as an apposition)?"""
        doc = self.doc
        if not doc.has_annotation("DEP"):
            return True
        run = set(range(words[0].i, start))
        for w in words:
            t = w
            for _ in range(12):
                if start <= t.head.i < end:
                    return True
                if t.head.i not in run or t.head.i == t.i:
                    break
                t = t.head
        for k in range(start, end):
            h = doc[k].head.i
            if (
                not start <= h < end
                and h in run
                and doc[k].dep_ in ("appos", "compound", "flat", "nmod", "npadvmod", "dep", "pobj")
            ):
                return True
        return False

    def _party_tag(self, m: Mention) -> None:
        """ "Dianne Feinstein (D-Calif.)": the party (and state) of a legislator; the tag's words
        name no actor."""
        doc, index = self.doc, self.index
        last = doc[m.end - 1]
        tag = PARTY_TAG.match(index.text, last.idx + len(last.text))
        if tag is None or (
            tag.group(3)
            and places.us_state(tag.group(4).rstrip(".") + ".") is None
            and places.us_state(tag.group(4)) is None
        ):
            return
        m.party = tag.group(1) or tag.group(3)
        for k in range(m.end, min(len(doc), m.end + 12)):
            if doc[k].idx >= tag.end():
                break
            index._not_actor.add(k)
            m.tag_tokens.append(k)

    @staticmethod
    def _gender_cue(tokens: list[Token]) -> str | None:
        for t in tokens:
            g = T.HONORIFICS.get(t.lower_) or T.TITLE_GENDER.get(t.lower_)
            if g:
                return g
        return None
