"""Within-article resolution: name mentions merged into actors, and what refers back to them.

Step 3 and 6 of :func:`kg.extract.actors.extract_actors` (mixed into the builder): "Ahmed
Maiteeq", "Mr. Maiteeq", "Maiteeq" -> one actor labelled with the full name; a surname alone is
matched within the article first and only then against the gazetteer; acronyms and shorter
organisation names join the longer one. Definite descriptions ("the general") and third-person
pronouns are then resolved to the most plausible earlier actor.
"""

from __future__ import annotations

from spacy.tokens import Token

from kg import ids
from kg.extract import lexicon as T
from kg.extract.names import (
    NONPERSON,
    PERSON_TYPES,
    PLURAL_TAGS,
    Mention,
    acronym_partner,
    clean_name,
    is_title_token,
    person_label,
)
from kg.extract.syntax import governing_subject, nearby_subject
from kg.gazetteer import Entry, normalize
from kg.records import Actor, ActorType

_WINDOW_SENTS = 4  # how far back a pronoun looks


class Resolver:
    """Merging mentions into actors; pronouns and descriptions."""

    # ---------------------------------------------------------------- 3. merging
    def merge(self, found: list[Mention]) -> list[tuple[Mention, Actor]]:
        index, gaz = self.index, self.gaz
        placed: list[tuple[Mention, Actor]] = []
        persons = [m for m in found if m.type == ActorType.Person]
        # full names first: "Donald J. Trump" and "Donald Trump" share a first and a last name
        clusters: dict[str, tuple[str, Entry | None]] = {}  # key -> (label, gazetteer entry)
        full: dict[tuple[str, str], str] = {}  # (first, last) -> key
        where: dict[str, list[int]] = {}  # key -> token starts of its full-name mentions
        for m in persons:
            words = person_label(m.name).split()
            if len(words) < 2:
                continue
            pair = (normalize(words[0]), normalize(words[-1]))
            key = full.get(pair)
            if key is None:
                entry = gaz.lookup(m.name, PERSON_TYPES) if gaz else None
                key = entry.iri if entry else "person:" + "|".join(pair)
                full[pair] = key
                if key not in clusters or len(words) > len(clusters[key][0].split()):
                    clusters[key] = (entry.label if entry else " ".join(words), entry)
            m.key = key
            where.setdefault(key, []).append(m.start)
        # "Trump" or "Melania" tagged ORG/GPE in an article about Donald and Melania Trump: the person
        firsts = {p[0] for p in full}
        lasts = {p[1] for p in full} | {normalize(m.name) for m in persons if " " not in m.name.strip()}
        for m in found:
            name = m.place or m.name
            if m.type == ActorType.Person or (m.entry is not None and m.entry.type == ActorType.Country):
                continue
            words = person_label(name).split()
            if len(words) == 1:
                is_person = normalize(name) in lasts or normalize(name) in firsts
            else:  # "Carly Fiorina" read as an organisation in an article that names her as a person
                is_person = m.entry is None and len(words) <= 3 and (normalize(words[0]), normalize(words[-1])) in full
            if is_person:
                if len(words) > 1:
                    m.key = full[(normalize(words[0]), normalize(words[-1]))]
                m.type, m.entry, m.name, m.place, m.iri = ActorType.Person, None, name, None, None
                persons.append(m)
        # a place that does not act here ("in Ohio", "Florida voters") is no actor; its tokens are
        # remembered for the posts it qualifies ("Texas Gov. Greg Abbott") and for stances
        for m in found:
            if m.place is not None and not m.acts:
                for k in range(m.start, m.end):
                    index._places[k] = m.place
        found = [m for m in found if m.place is None or m.acts]
        persons.sort(key=lambda m: m.start)
        for m in persons:
            if not m.key:
                m.key = self._single_name(m, full, where, clusters)
        made: dict[str, Actor] = {}
        for m in found:
            if m.type == ActorType.Person:
                actor = made.get(m.key)
                if actor is None:
                    label, entry = clusters[m.key]
                    actor = (
                        index._actor_for_entry(entry)
                        if entry
                        else (
                            index._by_key.get(ids.actor_iri(label, ActorType.Person))
                            or index._new(label, ActorType.Person)
                        )
                    )
                    made[m.key] = actor
            elif m.entry is not None:
                actor = index._actor_for_entry(m.entry)
            else:
                actor = self._other(m)
            placed.append((m, actor))
            index._mention(actor, m.start, m.end)
            self._titled_alias(actor, m)
            if m.gender and actor.id not in index._gender:
                index._gender[actor.id] = m.gender
            if self.doc[m.end - 1].tag_ in PLURAL_TAGS:
                index._plural.add(actor.id)
        return placed

    def _titled_alias(self, actor: Actor, m: Mention) -> None:
        """ "Mr. Maiteeq", "President Trump", "Gen. Haftar" as written: aliases of a person."""
        if actor.type != ActorType.Person or m.start == 0:
            return
        prev = self.doc[m.start - 1]
        if (
            prev.lower_ in T.HONORIFICS
            or prev.lower_ in T.ABBREVIATIONS
            or (prev.text[:1].isupper() and prev.lower_ in T.TITLE_CANON)
        ):
            first = prev
            while (
                first.i > 0
                and self.doc[first.i - 1].text[:1].isupper()
                and is_title_token(self.doc[first.i - 1])
                and m.start - first.i < 5
            ):
                first = self.doc[first.i - 1]
            alias = self.index.text[first.idx : self.doc[m.end - 1].idx + len(self.doc[m.end - 1].text)]
            alias = clean_name(alias)
            if alias != actor.label and alias not in actor.aliases:
                actor.aliases.append(alias)

    def _single_name(
        self,
        m: Mention,
        full: dict[tuple[str, str], str],
        where: dict[str, list[int]],
        clusters: dict[str, tuple[str, Entry | None]],
    ) -> str:
        """The cluster of a one-word person name: a surname (or first name) of a full name in
        this article, the nearest one before it if several; else the gazetteer; else its own."""
        word = normalize(m.name)
        keys = sorted({k for (first, last), k in full.items() if last == word})
        if not keys:
            keys = sorted({k for (first, last), k in full.items() if first == word})
        if len(keys) > 1:

            def dist(k: str) -> tuple[int, int]:
                before = [m.start - s for s in where.get(k, []) if s < m.start]
                after = [s - m.start for s in where.get(k, []) if s > m.start]
                return (0, min(before)) if before else (1, min(after) if after else 10**9)

            keys = [min(keys, key=dist)]
        if keys:
            return keys[0]
        entry = self.gaz.lookup(m.name, PERSON_TYPES) if self.gaz else None
        key = entry.iri if entry else "person:" + word
        if key not in clusters:
            clusters[key] = (entry.label if entry else m.name, entry)
        return key

    def _other(self, m: Mention) -> Actor:
        index = self.index
        label = m.name
        if m.iri is not None:  # a government named after its country or place ("Government of Texas")
            actor = index._by_key.get(m.iri)
            if actor is None:
                actor = index._new(label, m.type, iri=m.iri)
                if m.place:
                    index._place_actor[actor.id] = m.place
            return actor
        iri = ids.actor_iri(label, m.type)
        actor = index._by_key.get(iri)
        if actor is not None:
            return actor
        # "DNC" after "the Democratic National Committee (DNC)", or before it: one actor
        partner = acronym_partner(label, index.actors)
        if partner is not None:
            return partner
        # "The Times" after "The Washington Times": a shorter name that ends a longer one
        words = normalize(label).split()
        for a in index.actors:
            if (
                a.type in NONPERSON
                and a.type == m.type
                or (
                    m.type in (ActorType.Organization, ActorType.Media)
                    and a.type in (ActorType.Organization, ActorType.Media)
                )
            ):
                other = normalize(a.label).split()
                if len(other) > len(words) >= 1 and other[-len(words) :] == words:
                    return a
        return index._new(label, m.type)

    # ---------------------------------------------------------------- 6. what refers back
    def refer_back(self) -> None:
        doc, index = self.doc, self.index
        sent_of: dict[int, int] = {}
        try:
            sents = list(doc.sents)
        except ValueError:  # no sentence boundaries (a Doc built by hand without a parse)
            sents = [doc[:]]
        for n, s in enumerate(sents):
            for i in range(s.start, s.end):
                sent_of[i] = n
        # the last mention of every actor so far: actor id -> (token index, sentence, subject?,
        # how many times the actor has been mentioned up to it)
        last: dict[str, tuple[int, int, bool, int]] = {}
        counts: dict[str, int] = {}
        for tok in doc:
            i = tok.i
            actor = index._tok.get(i)
            if actor is not None:
                if i + 1 >= len(doc) or index._tok.get(i + 1) is not actor:  # the mention's last token
                    subj = tok.dep_ in ("nsubj", "nsubjpass") or (
                        tok.dep_ in ("compound", "conj") and tok.head.dep_ in ("nsubj", "nsubjpass")
                    )
                    last[actor.id] = (i, sent_of.get(i, 0), subj, counts.get(actor.id, 0) + 1)
                    counts[actor.id] = counts.get(actor.id, 0) + 1
                continue
            low = tok.lower_
            found: Actor | None = None
            span = (i, i + 1)
            if low in T.PRONOUNS and tok.tag_ in ("PRP", "PRP$"):
                found = self._pronoun(tok, last, sent_of)
            elif low in ("who", "which") and tok.dep_ in ("nsubj", "nsubjpass") and tok.head.dep_ == "relcl":
                found = index._tok.get(tok.head.head.i)
                if (
                    found is not None
                    and (found.type == ActorType.Person) != (low == "who")
                    and found.type not in (ActorType.Group, ActorType.Party)
                ):
                    found = None  # "who" is a person or a body of people, "which" a thing
            elif low in T.ARMED_GROUP_NOUNS and tok.pos_ == "NOUN" and any(c.dep_ == "poss" for c in tok.children):
                found = self._group_of(tok)
            elif tok.pos_ == "NOUN" and (
                low in T.DESCRIPTION_PERSON or low in T.DESCRIPTION_OTHER or tok.lemma_.lower() in T.DESCRIPTION_OTHER
            ):
                found, span = self._description(tok, last, sent_of)
            if found is not None:
                index._mention(found, span[0], span[1], alias=False)
                if found.type == ActorType.Person and low in T.PRONOUNS and found.id not in index._gender:
                    g = T.PRONOUNS[low][1]
                    if g in ("male", "female"):
                        index._gender[found.id] = g
                last[found.id] = (i, sent_of.get(i, 0), tok.dep_ in ("nsubj", "nsubjpass"), counts.get(found.id, 0) + 1)
                counts[found.id] = counts.get(found.id, 0) + 1

    def _compatible(self, actor: Actor, number: str, gender: str | None) -> bool:
        if gender in ("male", "female"):
            if actor.type != ActorType.Person:
                return False
            g = self.index._gender.get(actor.id)
            return g is None or g == gender
        if gender == "neuter":
            return actor.type != ActorType.Person and actor.id not in self.index._plural
        # they / them / their
        return actor.type != ActorType.Person and (
            actor.id in self.index._plural
            or actor.type
            in (ActorType.Group, ActorType.Party, ActorType.Organization, ActorType.Government, ActorType.Media)
        )

    def _pronoun(self, tok: Token, last: dict, sent_of: dict[int, int]) -> Actor | None:
        number, gender = T.PRONOUNS[tok.lower_]
        index = self.index
        if tok.lower_ in ("it", "itself", "they", "them", "themselves") and not self._agentive_it(tok):
            return None  # "it" is mostly a thing or nothing ("when it comes to", "calling it a mistake")
        here = sent_of.get(tok.i, 0)
        # cataphora: "In his April call with X, Mr. Trump praised ..." -> the main subject ahead
        cat = self._cataphora(tok)
        if cat is not None and self._compatible(cat, number, gender):
            return cat
        # "Haftar and his forces": a possessive in a conjunct goes to the first conjunct
        if tok.tag_ == "PRP$" and tok.head.dep_ == "conj":
            first = index._tok.get(tok.head.head.i)
            if first is not None and self._compatible(first, number, gender):
                return first
        governing = governing_subject(tok)
        gov_actor = index._tok.get(governing.i) if governing is not None else None
        accusative = tok.lower_ in ("him", "them") or (tok.lower_ == "her" and tok.tag_ == "PRP")
        best, best_score = None, None
        for aid, (i, s, subj, n) in last.items():
            if here - s > _WINDOW_SENTS:
                continue
            actor = index.by_id(aid)
            if not self._compatible(actor, number, gender):
                continue
            score = (8 if subj else 0) + (4 if s == here else 0) - 3 * (here - s) + min(n, 4) - (tok.i - i) / 200
            # "Trump praised him", "he rejected allowing him to share power": an object pronoun
            # rarely means the subject of the clause that governs it
            if actor is gov_actor and tok.lower_ not in T.REFLEXIVES:
                if tok.dep_ in ("dobj", "pobj", "dative") and governing is not None and governing.head.i == tok.head.i:
                    continue
                if accusative:
                    score -= 10
            if number == "pl" and actor.id in index._plural:
                score += 4
            if gender in ("male", "female") and index._gender.get(aid) == gender:
                score += 1
            if best_score is None or score > best_score:
                best, best_score = actor, score
        return best

    @staticmethod
    def _agentive_it(tok: Token) -> bool:
        """Is this "it"/"they" the subject of something an actor does ("it said", "they warned")?"""
        if tok.dep_ not in ("nsubj", "nsubjpass"):
            return tok.lower_ in ("them", "themselves")  # people or bodies more often than things
        head = tok.head
        return head.pos_ in ("VERB", "AUX") and head.lemma_.lower() not in T.STATE_VERBS | T.PLEONASTIC_VERBS

    def _cataphora(self, tok: Token) -> Actor | None:
        root = tok.sent.root if tok.doc.has_annotation("SENT_START") or tok.doc.has_annotation("DEP") else None
        if root is None:
            return None
        subj = next((c for c in root.children if c.dep_ == "nsubj"), None)
        if subj is None or subj.i <= tok.i:
            return None
        # the pronoun sits in a fronted phrase attached to the root before its subject
        node = tok
        for _ in range(8):
            if node.head.i == root.i:
                break
            node = node.head
        if node.head.i != root.i or node.dep_ not in ("prep", "advcl", "npadvmod") or node.i > subj.i:
            return None
        actor = self.index._tok.get(subj.i)
        return actor if actor is not None and actor.type == ActorType.Person else None

    def _description(self, tok: Token, last: dict, sent_of: dict[int, int]) -> tuple[Actor | None, tuple[int, int]]:
        """A definite description ("the general", "the militia leader", "his government")."""
        doc, index = self.doc, self.index
        low = tok.lower_
        lemma = tok.lemma_.lower()
        det = next((c for c in tok.children if c.dep_ == "det"), None)
        poss = next((c for c in tok.children if c.dep_ == "poss"), None)
        mods = [c for c in tok.lefts if c.dep_ in ("amod", "compound", "nmod")]
        start = min([tok.i] + [c.i for c in mods if c.i not in index._tok])
        span = (start, tok.i + 1)
        none = (None, span)
        if tok.i + 1 < len(doc) and (doc[tok.i + 1].pos_ == "PROPN" or doc[tok.i + 1].lower_ in T.ABBREVIATIONS):
            return none  # a title before a name, handled with the name
        if any(c.dep_ == "appos" for c in tok.children) or tok.dep_ == "appos":
            return none
        if low in T.DESCRIPTION_PERSON and any(c.dep_ == "prep" and c.lower_ == "of" for c in tok.children):
            return none  # "the president of France": a new reference
        said = " ".join(t.lower_ for t in doc[start : tok.i + 1])
        if low in ("government", "administration", "regime", "authorities") and self.gaz is not None:
            seated = self._seated_government(tok)
            if seated is not None:
                return self._remember(said, seated), span
        # a modifier that already names the actor ("the Libyan government", "the U.S. government")
        for c in mods:
            a = index._tok.get(c.i)
            if a is not None and low in T.DESCRIPTION_OTHER and a.type in T.DESCRIPTION_OTHER[low]:
                return a, span
        if poss is not None:
            owner = index._tok.get(poss.i)
            if owner is None:
                return none
            if low in ("government", "administration", "regime", "cabinet"):
                return self._remember(said, self._government_of_actor(owner)), span
            return none
        if det is None or det.lower_ not in T.DEFINITE_DETERMINERS or tok.tag_ in PLURAL_TAGS:
            return none
        if any(c.lower_ in T.NOT_BACK for c in tok.lefts):
            return none  # "the next president" refers forward, not back
        # the same words as an earlier description ("the internationally recognized government")
        if len(mods) and said in self.described:
            return self.described[said], span
        here = sent_of.get(tok.i, 0)
        clause_subj = nearby_subject(tok)
        subj_actor = index._tok.get(clause_subj.i) if clause_subj is not None else None
        if low in T.DESCRIPTION_PERSON:
            return self._remember(
                said, self._described_person(tok, {c.lower_ for c in mods}, last, here, subj_actor)
            ), span
        return self._remember(said, self._described_body(tok, lemma, last, here)), span

    def _seated_government(self, tok: Token) -> Actor | None:
        """ "the government in Tripoli": the government seated there (from the gazetteer)."""
        doc = self.doc
        after = [c for c in tok.children] + ([doc[tok.i + 1]] if tok.i + 1 < len(doc) else [])
        for c in after:  # "in Tripoli" may hang on the verb, right after the noun
            if c.dep_ == "prep" and c.lower_ in ("in", "of"):
                obj = next((o for o in c.children if o.dep_ == "pobj"), None)
                if obj is not None and obj.pos_ == "PROPN":
                    ent = self.ent_at.get(obj.i)
                    name = clean_name(ent.text) if ent is not None else obj.text
                    g = self.gaz.seat(name) or self.gaz.government_of(self.gaz.lookup(name, (ActorType.Country,)))
                    if g is not None:
                        return self.index._actor_for_entry(g)
        return None

    def _described_person(
        self, tok: Token, mod_words: set[str], last: dict, here: int, subj_actor: Actor | None
    ) -> Actor | None:
        """The person "the general" or "the military strongman" refers back to: one holding that
        post, else (a generic word) the article's main people first; near and recent first."""
        index, low = self.index, tok.lower_
        want_gender = T.DESCRIPTION_GENDER.get(low)
        best, best_score = None, None
        for aid, (i, s, _subj, n) in last.items():
            actor = index.by_id(aid)
            if actor.type != ActorType.Person or actor is subj_actor:
                continue
            g = index._gender.get(aid)
            if want_gender and g and g != want_gender:
                continue
            role_words = {w for r in actor.roles for w in r.title.lower().replace("-", " ").split()}
            if low in role_words:
                score = 20 + 3 * len(mod_words & role_words)
            elif low in T.GENERIC_PERSON:
                # "the military strongman": any person, the article's main ones first
                score = (
                    3
                    if "military" in mod_words
                    and role_words & {"general", "marshal", "colonel", "commander", "militia"}
                    else 0
                )
                score += min(n, 10) * 0.6
            else:
                continue
            score += -1.5 * (here - s) + min(n, 4) * 0.5 - (tok.i - i) / 400
            if best_score is None or score > best_score:
                best, best_score = actor, score
        return best

    def _described_body(self, tok: Token, lemma: str, last: dict, here: int) -> Actor | None:
        """The government, party, militia… "the administration" or "the militia" refers back
        to: of a type the word can name, recent and frequent first."""
        index, low = self.index, tok.lower_
        types = T.DESCRIPTION_OTHER.get(low) or T.DESCRIPTION_OTHER.get(lemma) or ()
        best, best_score = None, None
        for aid, (i, s, subj, n) in last.items():
            actor = index.by_id(aid)
            if actor.type in types and here - s <= 2 * _WINDOW_SENTS:
                # recent and frequent: "the administration" is the article's main government
                score = min(n, 10) - (here - s) + (2 if subj else 0) - (tok.i - i) / 1000
                if best_score is None or score > best_score:
                    best, best_score = actor, score
        if best is not None and low in ("administration", "government", "regime") and best.part_of:
            parent = next((a for a in index.actors if a.id == best.part_of), None)
            if parent is not None and parent.type == ActorType.Government:
                best = parent  # "the administration" after "the White House": the whole government
        return best

    def _remember(self, said: str, actor: Actor | None) -> Actor | None:
        if actor is not None and " " in said:
            self.described.setdefault(said, actor)
        return actor

    def _government_of_actor(self, owner: Actor) -> Actor | None:
        if owner.type == ActorType.Government:
            return owner
        if owner.type == ActorType.Country:
            return self._government(owner)
        if owner.type == ActorType.Person:
            for r in owner.roles:
                org = next((a for a in self.index.actors if a.id == r.organization), None)
                if org is not None and org.type == ActorType.Government:
                    return org
        return None

    def _group_of(self, tok: Token) -> Actor | None:
        """ "Haftar's forces", "his militias": a group led by the possessor."""
        poss = next((c for c in tok.children if c.dep_ == "poss"), None)
        if poss is None:
            return None
        leader = self.index._tok.get(poss.i)
        if leader is None or leader.type != ActorType.Person:
            return None
        label = f"forces of {leader.label}"
        iri = ids.actor_iri(label, ActorType.Group)
        group = self.index._by_key.get(iri)
        if group is None:
            group = self.index._new(label, ActorType.Group)
            group.leader = leader.id
        return group
