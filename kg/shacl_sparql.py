"""The SHACL shapes as SPARQL queries the store runs itself: validation of a whole store in
one pass per constraint, in Oxigraph, with nothing loaded into Python.

pyshacl (:func:`kg.validate.validate_graph`) is the reference and checks graphs: it walks
every focus node in Python, which takes minutes for a thousand articles. Here each
constraint of ``ontology/shapes.ttl`` becomes one query that lists the nodes violating it
(SHACL Core's own SPARQL-based definitions, for the constraint components the shapes use:
``sh:minCount``, ``sh:maxCount``, ``sh:datatype``, ``sh:class``, ``sh:node``, ``sh:in``,
``sh:pattern``, ``sh:minInclusive``, ``sh:maxInclusive``, ``sh:lessThanOrEquals``, ``sh:or``
of datatypes, ``sh:qualifiedValueShape`` with ``sh:in``, and ``sh:xone`` of count-only
shapes). A shape using anything else is refused at compile time rather than passed over;
``tests/test_validate.py`` checks that both engines agree on good and broken graphs.

Targets are read with their subclasses through the ontology graph the store holds
(``sh:targetClass kg:Actor`` reaches a ``kg:Person``), as pyshacl does with the ontology mixed in.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from typing import cast

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SH

from kg.vocab import RDF, RDFS

SUPPORTED = {
    SH.path,
    SH.minCount,
    SH.maxCount,
    SH.datatype,
    SH["class"],
    SH.node,
    SH["in"],
    SH.pattern,
    SH.minInclusive,
    SH.maxInclusive,
    SH.lessThanOrEquals,
    SH["or"],
    SH.qualifiedValueShape,
    SH.qualifiedMinCount,
    SH.qualifiedMaxCount,
    SH.message,
    SH.severity,
    SH.name,
    SH.description,
}
_NODE_KEYS = {SH.targetClass, SH.targetSubjectsOf, SH.property, SH.xone, SH["in"], SH.message, RDF.type}
_IGNORED = {str(RDFS.label), str(RDFS.comment)}


class UnsupportedShape(ValueError):
    """A shape uses a SHACL feature this compiler does not translate."""


@dataclass(frozen=True)
class Check:
    """One compiled constraint: a SELECT of ``?focus`` (and ``?value`` when there is one) for
    every violation, with what a report says about it."""

    shape: str
    path: str | None
    component: str
    message: str
    sparql: str


def _n3(term) -> str:
    return term.n3()


def _message(g: Graph, node, fallback: str) -> str:
    msg = g.value(node, SH.message)
    return str(msg) if msg is not None else fallback


def _check_keys(g: Graph, node, allowed: set) -> None:
    for p in set(g.predicates(node, None)):
        if p not in allowed and str(p) not in _IGNORED:
            raise UnsupportedShape(f"shape {node.n3() if not isinstance(node, BNode) else '[...]'} uses {p.n3()}")


def _value_conditions(g: Graph, ps, v: str) -> list[tuple[str, str]]:
    """(component, FILTER condition that holds when value ``v`` violates it) per value constraint."""
    out = []
    dt = g.value(ps, SH.datatype)
    if dt is not None:
        out.append(("Datatype", f"!(isLiteral({v}) && datatype({v}) = {_n3(dt)})"))
    alts = g.value(ps, SH["or"])
    if alts is not None:
        conds = []
        for alt in Collection(g, alts):
            _check_keys(g, alt, {SH.datatype})
            conds.append(f"(isLiteral({v}) && datatype({v}) = {_n3(g.value(alt, SH.datatype))})")
        out.append(("Or", f"!({' || '.join(conds)})"))
    values = g.value(ps, SH["in"])
    if values is not None:
        out.append(("In", f"{v} NOT IN ({', '.join(_n3(x) for x in Collection(g, values))})"))
    pattern = g.value(ps, SH.pattern)
    if pattern is not None:
        out.append(("Pattern", f"(isBlank({v}) || !REGEX(STR({v}), {Literal(str(pattern)).n3()}))"))
    lo, hi = g.value(ps, SH.minInclusive), g.value(ps, SH.maxInclusive)
    if lo is not None:
        out.append(("MinInclusive", f"!COALESCE({v} >= {_n3(lo)}, false)"))
    if hi is not None:
        out.append(("MaxInclusive", f"!COALESCE({v} <= {_n3(hi)}, false)"))
    return out


class _Compiler:
    def __init__(self, shapes: Graph) -> None:
        self.g = shapes
        self.checks: list[Check] = []
        # node shape -> the focus patterns of the values that must conform to it (sh:node): a
        # shape is compiled once for all of them and its own targets, not once per reference
        self.references: dict = {}

    def focus_of(self, shape) -> str:
        """A pattern binding ``?focus`` to the shape's targets."""
        g = self.g
        parts = []
        for cls in g.objects(shape, SH.targetClass):
            parts.append(f"{{ SELECT DISTINCT ?focus WHERE {{ ?focus a/rdfs:subClassOf* {_n3(cls)} }} }}")
        for prop in g.objects(shape, SH.targetSubjectsOf):
            parts.append(f"{{ SELECT DISTINCT ?focus WHERE {{ ?focus {_n3(prop)} ?anything }} }}")
        return " UNION ".join(parts)

    def add(self, shape, path, component: str, message: str, body: str, columns: str = "?focus") -> None:
        select = columns
        self.checks.append(
            Check(
                str(shape) if not isinstance(shape, BNode) else "[]",
                str(path) if path is not None else None,
                component,
                message,
                f"SELECT DISTINCT {select} WHERE {{ {body} }}",
            )
        )

    def node_shape(self, shape, focus: str, label) -> None:
        g = self.g
        _check_keys(g, shape, _NODE_KEYS)
        props = sorted(g.objects(shape, SH.property), key=lambda ps: str(g.value(ps, SH.path)))
        for ps in props:
            self.property_shape(ps, focus, label)
        self.counts(props, focus, label)
        values = g.value(shape, SH["in"])
        if values is not None:  # a node shape on its own (used as a qualified value shape)
            raise UnsupportedShape("sh:in on a node shape is only supported inside sh:qualifiedValueShape")
        xone = g.value(shape, SH.xone)
        if xone is not None:
            self.xone(shape, list(Collection(g, xone)), focus, label)

    def counts(self, props: list, focus: str, label) -> None:
        """sh:minCount / sh:maxCount of every property of a node shape in one grouped query."""
        g = self.g
        bounded = [(ps, g.value(ps, SH.path), g.value(ps, SH.minCount), g.value(ps, SH.maxCount)) for ps in props]
        bounded = [b for b in bounded if b[2] is not None or b[3] is not None]
        if not bounded:
            return
        optionals = " ".join(f"OPTIONAL {{ ?focus {_n3(path)} ?c{i} }}" for i, (_, path, _, _) in enumerate(bounded))
        counts = " ".join(f"(COUNT(DISTINCT ?c{i}) AS ?n{i})" for i in range(len(bounded)))
        which = '""'
        for i, (_ps, _path, lo, hi) in reversed(list(enumerate(bounded))):
            bad = " || ".join(
                ([f"?n{i} < {int(lo)}"] if lo is not None else []) + ([f"?n{i} > {int(hi)}"] if hi is not None else [])
            )
            which = f'IF({bad}, "{i}", {which})'
        body = (
            f"{{ SELECT ?focus {counts} WHERE {{ {focus} {optionals} }} GROUP BY ?focus }} "
            f'BIND({which} AS ?component) FILTER(?component != "")'
        )
        # ?component is the index of the first count broken; the messages are joined in that order
        self.add(
            label,
            None,
            "Count",
            "|".join(_message(g, ps, f"{path.n3()} count") for ps, path, _, _ in bounded),
            body,
            "?focus ?component",
        )

    def _counts(self, alt) -> list[tuple[URIRef, int | None, int | None]]:
        g = self.g
        out = []
        for ps in g.objects(alt, SH.property):
            _check_keys(g, ps, {SH.path, SH.minCount, SH.maxCount})
            lo, hi = g.value(ps, SH.minCount), g.value(ps, SH.maxCount)
            out.append(
                (
                    cast(URIRef, g.value(ps, SH.path)),
                    int(cast(Literal, lo)) if lo is not None else None,
                    int(cast(Literal, hi)) if hi is not None else None,
                )
            )
        return out

    def xone(self, shape, alts: list, focus: str, label) -> None:
        """Exactly one alternative conforms; each alternative only bounds how many values paths have."""
        paths = sorted({p for alt in alts for p, _, _ in self._counts(alt)}, key=str)
        names = {p: f"?n{i}" for i, p in enumerate(paths)}
        counts = " ".join(f"(COUNT(DISTINCT ?v{i}) AS ?n{i})" for i in range(len(paths)))
        optionals = " ".join(f"OPTIONAL {{ ?focus {_n3(p)} ?v{i} }}" for i, p in enumerate(paths))
        conforms = []
        for alt in alts:
            conds = []
            for p, lo, hi in self._counts(alt):
                if lo is not None:
                    conds.append(f"{names[p]} >= {lo}")
                if hi is not None:
                    conds.append(f"{names[p]} <= {hi}")
            conforms.append(f"IF({' && '.join(conds) or 'true'}, 1, 0)")
        body = (
            f"{{ SELECT ?focus {counts} WHERE {{ {focus} {optionals} }} GROUP BY ?focus }} "
            f"FILTER(({' + '.join(conforms)}) != 1)"
        )
        self.add(label, None, "Xone", _message(self.g, shape, "exactly one alternative must hold"), body)

    def property_shape(self, ps, focus: str, label) -> None:
        g = self.g
        _check_keys(g, ps, SUPPORTED)
        path = g.value(ps, SH.path)
        if not isinstance(path, URIRef):
            raise UnsupportedShape(f"only predicate paths are supported, not {path!r}")
        msg = _message(g, ps, f"{path.n3()} constraint")
        # every value constraint of the property in one pass over its values; ?component names
        # the first one a value breaks
        conds = _value_conditions(g, ps, "?value")
        extra = ""
        cls = g.value(ps, SH["class"])
        if cls is not None:
            # the instances of the class once, then a set difference (not a path walked per value)
            self.add(
                label,
                path,
                "Class",
                msg,
                f"{{ {focus} ?focus {_n3(path)} ?value . }} MINUS {{ ?value a/rdfs:subClassOf* {_n3(cls)} }}",
                "?focus ?value",
            )
        other = g.value(ps, SH.lessThanOrEquals)
        if other is not None:
            extra = f"OPTIONAL {{ ?focus {_n3(other)} ?other }}"
            conds.append(("LessThanOrEquals", "(BOUND(?other) && !COALESCE(?value <= ?other, false))"))
        if conds:
            which = '""'
            for component, cond in reversed(conds):
                which = f'IF({cond}, "{component}", {which})'
            self.add(
                label,
                path,
                "",
                msg,
                f'{focus} ?focus {_n3(path)} ?value . {extra} BIND({which} AS ?component) FILTER(?component != "")',
                "?focus ?value ?component",
            )
        node = g.value(ps, SH.node)
        if node is not None:
            # the values must conform to the node shape: checked with it (see compile_shapes)
            self.references.setdefault(node, []).append(
                f"{{ SELECT DISTINCT ?focus WHERE {{ {focus.replace('?focus', '?owner')} ?owner {_n3(path)} ?focus }} }}"
            )
        qvs = g.value(ps, SH.qualifiedValueShape)
        if qvs is not None:
            _check_keys(g, qvs, {SH["in"], RDF.type, SH.message})
            allowed = ", ".join(_n3(x) for x in Collection(g, g.value(qvs, SH["in"])))
            qlo, qhi = g.value(ps, SH.qualifiedMinCount), g.value(ps, SH.qualifiedMaxCount)
            having = []
            if qlo is not None:
                having.append(f"SUM(?hit) < {int(qlo)}")
            if qhi is not None:
                having.append(f"SUM(?hit) > {int(qhi)}")
            body = (
                f"{{ SELECT ?focus WHERE {{ {focus} OPTIONAL {{ SELECT DISTINCT ?focus ?value WHERE {{ "
                f"?focus {_n3(path)} ?value }} }} BIND(IF(COALESCE(?value IN ({allowed}), false), 1, 0) AS ?hit) }} "
                f"GROUP BY ?focus HAVING ({' || '.join(having)}) }}"
            )
            self.add(label, path, "QualifiedValueShape", msg, body)


@functools.lru_cache(maxsize=4)
def compile_shapes(shapes_ttl: str) -> tuple[Check, ...]:
    """Every constraint of the shapes (Turtle text) as a SPARQL check."""
    g = Graph().parse(data=shapes_ttl, format="turtle")
    comp = _Compiler(g)
    referenced = set(g.objects(None, SH.node))
    for shape in sorted(set(g.subjects(SH.targetClass, None)) | set(g.subjects(SH.targetSubjectsOf, None)), key=str):
        if shape not in referenced:
            comp.node_shape(shape, comp.focus_of(shape), shape)
    done: set = set()
    while set(comp.references) - done:  # each referenced shape once: its targets and every reference
        shape = sorted(set(comp.references) - done, key=str)[0]
        done.add(shape)
        required = _required_target_property(g, shape)
        if required is None:
            focus = " UNION ".join(filter(None, [comp.focus_of(shape)] + comp.references[shape]))
            comp.node_shape(shape, f"{{ SELECT DISTINCT ?focus WHERE {{ {focus} }} }}", shape)
            continue
        # The shape targets the subjects of a property it requires (a span is what has an
        # anchor): a value that lacks the property breaks that sh:minCount, and every other value
        # is a target. So: the targets with every constraint, the other values with that one.
        comp.node_shape(shape, comp.focus_of(shape), shape)
        prop, ps = required
        for ref in comp.references[shape]:
            comp.add(
                shape,
                prop,
                "MinCount",
                _message(g, ps, f"{prop.n3()} is required"),
                f"{ref} FILTER NOT EXISTS {{ ?focus {_n3(prop)} ?anything }}",
            )
    return tuple(comp.checks)


def _required_target_property(g: Graph, shape):
    """(P, its property shape) when ``shape`` targets the subjects of P and requires P."""
    for prop in g.objects(shape, SH.targetSubjectsOf):
        for ps in g.objects(shape, SH.property):
            lo = g.value(ps, SH.minCount)
            if g.value(ps, SH.path) == prop and lo is not None and int(cast(Literal, lo)) >= 1:
                return prop, ps
    return None


@dataclass
class Violation:
    check: Check
    focus: str
    value: str | None
    component: str = ""


def run_checks(store, checks: Iterable[Check], *, limit: int = 20) -> list[Violation]:
    """Run every check over the union of the store's graphs; up to ``limit`` violations each."""
    from kg.vocab import PREFIXES

    out = []
    for check in checks:
        result = store.query(f"{check.sparql} LIMIT {int(limit)}", prefixes=PREFIXES, use_default_graph_as_union=True)
        names = [v.value for v in result.variables]
        for sol in result:
            value = sol["value"] if "value" in names else None
            which = sol["component"].value if "component" in names and sol["component"] is not None else check.component
            out.append(Violation(check, str(sol["focus"]), None if value is None else str(value), which))
    return out


def report(violations: list[Violation], checks: int) -> str:
    """A report in the manner of pyshacl's text report."""
    if not violations:
        return f"Validation Report\nConforms: True ({checks} constraint checks run in the store)\n"
    lines = ["Validation Report", "Conforms: False", f"Results ({len(violations)}):"]
    for v in violations:
        message, path, component = v.check.message, v.check.path, v.component
        if v.check.component == "Count" and component.isdigit():  # which of the node's count constraints
            message = v.check.message.split("|")[int(component)]
            component = "Count"
        lines += [
            f"Constraint Violation in {component}ConstraintComponent:",
            f"\tSource Shape: {v.check.shape}",
            f"\tFocus Node: {v.focus}",
        ]
        if v.value is not None:
            lines.append(f"\tValue Node: {v.value}")
        if path:
            lines.append(f"\tResult Path: {path}")
        lines.append(f"\tMessage: {message}")
    return "\n".join(lines) + "\n"
