"""A SPARQL 1.1 server as the store: ``--store http(s)://…`` / ``KG_STORE=URL``.

:class:`RemoteStore` offers the part of ``pyoxigraph.Store``'s API that kg uses (``query``,
``update``, ``quads_for_pattern``, ``contains_named_graph``, ``named_graphs``, ``len``,
iteration, ``dump``, ``extend``/``bulk_extend``, ``remove_graph``), over the SPARQL 1.1
Query and Update protocols only, so every command runs the same code on an embedded store
and on a server (:func:`kg.store.open_store` picks the class). Writes are the same SPARQL
update strings as in the embedded store: an article's graph and the corpus graph's counts
change in ONE update request, which a SPARQL 1.1 server runs atomically; ``kg remove`` is a
``DROP GRAPH`` in that request.

What differs from one server to another is kept here, in :data:`DIALECTS` and
:meth:`RemoteStore._check_union`: where the update endpoint is, how to list the named graphs,
and how to get the union of all graphs as the default graph (a server setting for Oxigraph,
``--union-default-graph``, and Fuseki, ``tdb2:unionDefaultGraph``; Jena's
``urn:x-arq:UnionGraph`` as ``default-graph-uri`` when it is not set; Virtuoso's default
graph is every graph). The server is recognised by its ``Server`` header. A bundled query
that a server cannot evaluate is sent as its plain twin (``kg/queries/plain/``; Virtuoso 7 and
``mixed_signals``).

Writers take turns: :class:`WriterLease`, a lease kept in the store itself, is taken when a
command opens a remote store to write (:func:`kg.store.open_store`) and given back when it ends.

Credentials come from ``$KG_STORE_USER``/``$KG_STORE_PASSWORD`` (HTTP Basic or Digest, as
the server asks), ``$KG_STORE_TOKEN`` (a bearer token) or ``~/.netrc``; a URL with a user or
password in it is refused (a URL is printed in messages and may end up in shell history),
and no credential is ever printed.

Queries are parsed first by pyoxigraph on an empty in-memory store: a syntax error reads the
same as with an embedded store, and the query's form (rows, boolean, triples) picks the
format asked of the server.
"""

from __future__ import annotations

import atexit
import functools
import getpass
import logging
import os
import random
import secrets
import socket
import threading
import time
import urllib.parse
from collections.abc import Iterable, Iterator
from importlib import resources
from typing import BinaryIO, cast

import pyoxigraph as ox
import requests
from requests.auth import AuthBase, HTTPBasicAuth, HTTPDigestAuth

from kg import ids

log = logging.getLogger(__name__)

KG_GRAPHS = ids.DATA + "graph/"  # every graph kg writes is under this prefix
JSON_RESULTS = "application/sparql-results+json"
GRAPH_TYPES = "application/n-triples, text/turtle;q=0.8"
CHUNK = 5_000  # quads per INSERT DATA request when loading many (extend, kg import)
JENA_UNION = "urn:x-arq:UnionGraph"


def is_url(store) -> bool:
    return isinstance(store, str) and store.lower().startswith(("http://", "https://"))


def is_remote(store) -> bool:
    return isinstance(store, RemoteStore)


# what differs between servers, in one place
# - empty_graph_pattern: `GRAPH ?g {}` lists the named graphs (else: DISTINCT ?g over all quads)
# - trailing_values: a trailing VALUES clause binds a variable as SPARQL 1.1 says (a join after
#   the WHERE clause's BINDs); Virtuoso 7 lets it override a BIND, so bound values are matched
#   in kg instead, on the rows the server returns (a LIMIT then applies before the match)
# - shacl_sparql: kg validate's shapes-as-SPARQL checks (kg.shacl_sparql) read right; Virtuoso 7
#   reports hundreds of false violations (datatype() of a language-tagged label, class and count
#   checks), so kg validate reads the graphs and runs pyshacl there
# - plain_queries: a bundled query with a twin in kg/queries/plain/ is sent as that twin (the
#   same rows in plainer SPARQL, slower on Oxigraph: see the twin's header); Virtuoso 7 cannot
#   evaluate the bundled mixed_signals.rq (errors SR319, SL001, SQ156 on a correct query)
# - chunk: quads per INSERT DATA request when loading many (extend: kg import, the corpus graph
#   rebuilt); Virtuoso 7's SPARQL compiler runs out of memory on 5,000 (error SP030)
DIALECTS = {
    "oxigraph": {
        "empty_graph_pattern": True,
        "trailing_values": True,
        "shacl_sparql": True,
        "plain_queries": False,
        "chunk": CHUNK,
    },
    "jena": {
        "empty_graph_pattern": True,
        "trailing_values": True,
        "shacl_sparql": True,
        "plain_queries": False,
        "chunk": CHUNK,
    },
    "virtuoso": {
        "empty_graph_pattern": False,
        "trailing_values": False,
        "shacl_sparql": False,
        "plain_queries": True,
        "chunk": 1_000,
    },
    "generic": {
        "empty_graph_pattern": False,
        "trailing_values": True,
        "shacl_sparql": True,
        "plain_queries": False,
        "chunk": 1_000,
    },
}


@functools.lru_cache(maxsize=1)
def _plain_twins() -> dict[str, str]:
    """``{text of a bundled query: text of its plain twin}`` for the twins in kg/queries/plain/."""
    folder = resources.files("kg") / "queries"
    twins = {}
    for twin in (folder / "plain").iterdir():
        if twin.name.endswith(".rq") and (folder / twin.name).is_file():
            twins[(folder / twin.name).read_text(encoding="utf-8")] = twin.read_text(encoding="utf-8")
    return twins


def _ask_answer(solutions: ox.QuerySolutions) -> ox.QueryBoolean:
    """An ASK answered as rows, as Virtuoso 7 does (one variable, ``__ASK_RETVAL``: a row
    holding 1 for true, no row for false), read as the boolean it is. Read as rows, every ASK
    would be true: a graph that does not exist would be found."""
    rows = list(solutions)
    value = bool(rows) and all(t is None or t.value not in ("0", "false") for t in rows[0])
    return cast(
        ox.QueryBoolean,
        ox.parse_query_results(
            b'{"head": {}, "boolean": %s}' % (b"true" if value else b"false"), ox.QueryResultsFormat.JSON
        ),
    )


def plain_twin(query: str) -> str | None:
    """The plain twin of ``query`` if it is the text of a bundled query that has one (matched on
    the whole text: a query a user changed is sent as it is)."""
    return _plain_twins().get(query)


class Solutions(list):
    """Query solutions kept in kg (see ``trailing_values``), read like pyoxigraph's."""

    def __init__(self, variables, solutions):
        super().__init__(solutions)
        self.variables = variables


def dialect_of(server_header: str) -> str:
    header = server_header.lower()
    for name, marker in (("oxigraph", "oxigraph"), ("jena", "fuseki"), ("jena", "jena"), ("virtuoso", "virtuoso")):
        if marker in header:
            return name
    return "generic"


def endpoints(url: str) -> tuple[str, str]:
    """``(query endpoint, update endpoint)`` for the URL a user gives.

    A server's root (``http://host:7878``, Oxigraph's layout) means ``/query`` and ``/update``;
    a URL ending in ``/query`` (Oxigraph, Fuseki) updates at ``…/update``; any other URL
    (Fuseki's dataset URL ``/ds``, Virtuoso's ``/sparql``, most servers' single endpoint)
    takes both. ``$KG_STORE_UPDATE`` names the update endpoint when none of this fits.
    """
    parts = urllib.parse.urlsplit(url)
    path = parts.path.rstrip("/")
    if not path:
        query, update = url.rstrip("/") + "/query", url.rstrip("/") + "/update"
    elif path.endswith("/query"):
        query, update = url, urllib.parse.urlunsplit(parts._replace(path=path[: -len("query")] + "update"))
    else:
        query = update = url
    return query, os.environ.get("KG_STORE_UPDATE") or update


def check_url(url: str) -> None:
    parts = urllib.parse.urlsplit(url)
    if parts.username or parts.password:
        raise ValueError(
            "a store URL must not hold a user or password: set $KG_STORE_USER and "
            "$KG_STORE_PASSWORD, or put the login in ~/.netrc"
        )
    if not parts.hostname:
        raise ValueError(f"not a URL: {url!r}")


def _credentials(url: str) -> tuple[str, str] | None:
    user, password = os.environ.get("KG_STORE_USER"), os.environ.get("KG_STORE_PASSWORD")
    if user:
        return user, password or ""
    try:
        return requests.utils.get_netrc_auth(url)
    except Exception:  # an unreadable ~/.netrc is no login
        return None


def _term(term) -> str:
    if isinstance(term, ox.BlankNode):
        raise ValueError("a blank node cannot be sent to a server as a fixed term")
    return str(term)  # N-Triples form, escaped by pyoxigraph


def _prologue(prefixes: dict[str, str] | None) -> str:
    return "".join(f"PREFIX {k}: <{v}>\n" for k, v in (prefixes or {}).items())


def _values(substitutions: dict | None) -> str:
    """A trailing VALUES clause that binds the substituted variables (what Oxigraph's
    ``substitutions`` does; the variable must be one the query returns, as pyoxigraph checks)."""
    if not substitutions:
        return ""
    names = " ".join(f"?{v.value}" for v in substitutions)
    terms = " ".join(_term(t) for t in substitutions.values())
    return f"\nVALUES ({names}) {{ ({terms}) }}"


def insert_data(quads: Iterable[ox.Quad]) -> str | None:
    """``INSERT DATA`` of ``quads``, graph by graph."""
    by_graph: dict = {}
    for q in quads:
        by_graph.setdefault(q.graph_name, []).append(f"{q.subject} {q.predicate} {q.object} .")
    if not by_graph:
        return None
    blocks = [
        ("GRAPH %s {\n%s\n}" % (g, "\n".join(lines))) if isinstance(g, ox.NamedNode) else "\n".join(lines)
        for g, lines in by_graph.items()
    ]
    return "INSERT DATA {\n" + "\n".join(blocks) + "\n}"


class RemoteStore:
    """A SPARQL 1.1 endpoint with the part of ``pyoxigraph.Store``'s API kg uses."""

    def __init__(self, url: str, *, timeout: float | None = None):
        check_url(url)
        self.url = url
        self.query_url, self.update_url = endpoints(url)
        self.timeout = (10, timeout or float(os.environ.get("KG_STORE_TIMEOUT", "600")))
        self.session = requests.Session()
        self.session.trust_env = False  # no ~/.netrc sent unasked; proxies from the environment still apply
        self.session.proxies.update(requests.utils.get_environ_proxies(url))
        self.session.headers["User-Agent"] = "kg (SPARQL 1.1 client)"
        token = os.environ.get("KG_STORE_TOKEN")
        if token:
            self.session.headers["Authorization"] = f"Bearer {token}"
        self._login = _credentials(url)
        self._auth: AuthBase | None = None
        self.dialect = "generic"
        self._default_graph: str | None = None  # a default-graph-uri to send (Jena's union graph)
        self._parser = ox.Store()  # empty, in memory: parses queries as the embedded store does
        self.lease: WriterLease | None = None  # held while kg writes through this store (take_lease)

    def __repr__(self) -> str:
        return f"RemoteStore({self.url!r})"

    # -------------------------------------------------------------------------- HTTP
    def _post(self, url: str, data: dict, accept: str | None = None, stream: bool = False) -> requests.Response:
        headers = {"Accept": accept} if accept else {}
        try:
            resp = self.session.post(
                url, data=data, headers=headers, auth=self._auth, timeout=self.timeout, stream=stream
            )
            if resp.status_code == 401 and self._auth is None and self._login:
                challenge = resp.headers.get("WWW-Authenticate", "").lower()
                self._auth = (
                    HTTPDigestAuth(*self._login) if challenge.startswith("digest") else HTTPBasicAuth(*self._login)
                )
                resp = self.session.post(
                    url, data=data, headers=headers, auth=self._auth, timeout=self.timeout, stream=stream
                )
        except requests.RequestException as exc:
            raise ConnectionError(f"cannot reach the SPARQL endpoint {url}: {type(exc).__name__}") from None
        if "Server" in resp.headers and self.dialect == "generic":
            self.dialect = dialect_of(resp.headers["Server"])
        if resp.status_code in (401, 403):
            hint = (
                "give a login in $KG_STORE_USER and $KG_STORE_PASSWORD, or in ~/.netrc"
                if resp.status_code == 401
                else "the server does not let this client write (a read-only server, e.g. kg serve without --writable?)"
                if "update" in data
                else "the server refuses this client"
            )
            raise PermissionError(f"{url} answered HTTP {resp.status_code}: {hint}")
        if resp.status_code >= 400:
            text = resp.text.strip().replace("\n", " ")
            message = f"{url} answered HTTP {resp.status_code}: {text[:500]}"
            if resp.status_code < 500:
                raise RuntimeError(message)
            raise OSError(message)
        return resp

    # -------------------------------------------------------------------------- reading
    def query(
        self,
        query: str,
        *,
        prefixes: dict[str, str] | None = None,
        use_default_graph_as_union: bool = False,
        substitutions: dict | None = None,
        **_ignored,
    ):
        """Run a query on the server; the result types are pyoxigraph's (``QuerySolutions``,
        ``QueryBoolean``) or, for CONSTRUCT/DESCRIBE, a list of triples.

        The server's default graph is the union of its graphs (checked on opening), so
        ``use_default_graph_as_union`` is what it does anyway; a query that names its graphs
        (``GRAPH``) reads the same either way."""
        local = self._parser.query(query, prefixes=prefixes, substitutions=substitutions)  # SyntaxError / RuntimeError
        rows = isinstance(local, (ox.QuerySolutions, ox.QueryBoolean))
        twin = plain_twin(query)
        if twin is not None and DIALECTS[self._dialect()]["plain_queries"]:
            query = twin  # parsed above in its bundled form; the twin is tested to give the same rows
        match_here = bool(substitutions) and not DIALECTS[self._dialect()]["trailing_values"]
        text = _prologue(prefixes) + query + ("" if match_here else _values(substitutions))
        data = {"query": text}
        if self._default_graph:
            data["default-graph-uri"] = self._default_graph
        resp = self._post(self.query_url, data, JSON_RESULTS if rows else GRAPH_TYPES)
        kind = resp.headers.get("Content-Type", "").split(";")[0].strip().lower()
        try:
            if rows:
                result = ox.parse_query_results(resp.content, self._results_format(kind))
                if isinstance(local, ox.QueryBoolean) and isinstance(result, ox.QuerySolutions):
                    return _ask_answer(result)
                if match_here and isinstance(result, ox.QuerySolutions):
                    want = {v.value: t for v, t in (substitutions or {}).items()}  # match_here: given
                    return Solutions(
                        result.variables, [sol for sol in result if all(sol[k] == t for k, t in want.items())]
                    )
                return result
            fmt = ox.RdfFormat.TURTLE if "turtle" in kind else ox.RdfFormat.N_TRIPLES
            return [ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(resp.content, fmt)]
        except SyntaxError as exc:
            raise OSError(f"{self.query_url} sent an answer that cannot be read ({kind}): {exc}") from None

    @staticmethod
    def _results_format(content_type: str) -> ox.QueryResultsFormat:
        if "xml" in content_type:
            return ox.QueryResultsFormat.XML
        if "tab-separated" in content_type:
            return ox.QueryResultsFormat.TSV
        return ox.QueryResultsFormat.JSON

    def _select(self, query: str) -> ox.QuerySolutions:
        return self.query(query)

    def quads_for_pattern(self, subject=None, predicate=None, object=None, graph_name=None) -> Iterator[ox.Quad]:
        """The quads matching the pattern; ``graph_name=None`` means any of kg's named graphs."""
        if isinstance(graph_name, ox.DefaultGraph):
            return iter(())  # kg writes no triple in the default graph
        terms = {"s": subject, "p": predicate, "o": object, "g": graph_name}
        text = {k: _term(t) if t is not None else f"?{k}" for k, t in terms.items()}
        free = [k for k, t in terms.items() if t is None]
        where = f"GRAPH {text['g']} {{ {text['s']} {text['p']} {text['o']} }}"
        if graph_name is None:
            where += f' FILTER(STRSTARTS(STR(?g), "{KG_GRAPHS}"))'
        if not free:
            found = self.query(f"ASK {{ {where} }}")
            return iter([ox.Quad(subject, predicate, object, graph_name)] if bool(found) else [])
        solutions = self._select(f"SELECT {' '.join('?' + k for k in free)} WHERE {{ {where} }}")
        out = []
        for sol in solutions:
            t = {k: (terms[k] if terms[k] is not None else sol[k]) for k in terms}
            out.append(ox.Quad(t["s"], t["p"], t["o"], t["g"]))
        return iter(out)

    def contains_named_graph(self, graph_name) -> bool:
        return bool(self.query(f"ASK {{ GRAPH {_term(graph_name)} {{ ?s ?p ?o }} }}"))

    def named_graphs(self) -> Iterator[ox.NamedNode]:
        """kg's named graphs on the server (a shared server may hold others: they are left out)."""
        inner = "" if DIALECTS[self._dialect()]["empty_graph_pattern"] else "?s ?p ?o"
        sols = self._select(
            f'SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ {inner} }} FILTER(STRSTARTS(STR(?g), "{KG_GRAPHS}")) }}'
        )
        return iter([s["g"] for s in sols])

    def supports(self, feature: str) -> bool:
        """Whether this server does ``feature`` of :data:`DIALECTS` as SPARQL 1.1 says."""
        return bool(DIALECTS[self._dialect()][feature])

    def _dialect(self) -> str:
        if self.dialect == "generic":
            self.query("ASK {}")  # the first answer names the server
        return self.dialect

    def __len__(self) -> int:
        (sol,) = list(
            self._select(
                f'SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(STRSTARTS(STR(?g), "{KG_GRAPHS}")) }}'
            )
        )
        return int(sol["n"].value)

    def graph_quads(self, graph_name: ox.NamedNode) -> list[ox.Quad]:
        """One graph's quads, read with one CONSTRUCT (blank nodes kept apart per graph)."""
        triples = self.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {_term(graph_name)} {{ ?s ?p ?o }} }}")
        return [ox.Quad(t.subject, t.predicate, t.object, graph_name) for t in triples]

    def __iter__(self) -> Iterator[ox.Quad]:
        for g in sorted(self.named_graphs(), key=lambda g: g.value):
            yield from self.graph_quads(g)

    def dump(
        self,
        output: BinaryIO | None = None,
        format: ox.RdfFormat | None = None,
        *,
        from_graph=None,
        prefixes: dict[str, str] | None = None,
    ):
        """Write kg's graphs (or ``from_graph`` alone) as pyoxigraph's ``Store.dump`` does,
        graph by graph; returns the bytes when ``output`` is None."""
        data: Iterable[ox.Triple] | Iterable[ox.Quad]
        if from_graph is not None:
            quads = [] if isinstance(from_graph, ox.DefaultGraph) else self.graph_quads(from_graph)
            data = [ox.Triple(q.subject, q.predicate, q.object) for q in quads]
        else:
            data = iter(self)
        return ox.serialize(data, output, format, prefixes=prefixes)

    def corpus_view(self, resources: Iterable[ox.NamedNode]) -> ox.Store:
        """What the corpus and gazetteer graphs say about ``resources`` (their descriptions and
        tallies), copied into an in-memory store in one request: :func:`kg.store.read_state`
        reads it there instead of asking the server a few times per resource."""
        from kg import corpus

        view = ox.Store()
        resources = sorted(set(resources), key=lambda r: r.value)
        for i in range(0, len(resources), 500):
            values = " ".join(_term(r) for r in resources[i : i + 500])
            sols = self._select(f"""SELECT ?s ?p ?o ?g WHERE {{
              VALUES ?r {{ {values} }} VALUES ?g {{ {_term(corpus.CORPUS)} {_term(corpus.GAZETTEER)} }}
              GRAPH ?g {{ {{ ?r ?p ?o BIND(?r AS ?s) }} UNION {{ ?s {_term(corpus.SUBJECT)} ?r . ?s ?p ?o }} }}
            }}""")
            view.extend(ox.Quad(s["s"], s["p"], s["o"], s["g"]) for s in sols)
        return view

    # -------------------------------------------------------------------------- writing
    def update(self, update: str, **_ignored) -> None:
        if self.lease is not None:
            self.lease.check()  # a writer that lost its lease must not write over another's changes
        self._post(self.update_url, {"update": update})

    def take_lease(self) -> None:
        """Become the store's one writer (:class:`WriterLease`) until :meth:`close`; a second
        store object of this process on the same URL shares the lease."""
        if self.lease is None:
            self.lease = _shared_lease(self.url)

    def close(self) -> None:
        """Give back the writer lease, if this store holds it (the last user in the process)."""
        lease, self.lease = self.lease, None
        if lease is not None:
            _return_lease(lease)

    def __enter__(self) -> RemoteStore:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def extend(self, quads: Iterable[ox.Quad]) -> None:
        """Insert ``quads``, a dialect's ``chunk`` at a time (each request is atomic, not the whole)."""
        size = DIALECTS[self._dialect()]["chunk"]
        chunk: list[ox.Quad] = []
        for q in quads:
            chunk.append(q)
            if len(chunk) >= size:
                self.update(cast(str, insert_data(chunk)))  # a str: the chunk is not empty
                chunk = []
        if chunk:
            self.update(cast(str, insert_data(chunk)))

    bulk_extend = extend

    def remove_graph(self, graph_name) -> None:
        self.update(f"DROP SILENT GRAPH {_term(graph_name)}")

    def flush(self) -> None:
        pass

    def optimize(self) -> None:
        """Nothing to do: a server compacts its own storage (kg import calls this after a load)."""

    # -------------------------------------------------------------------------- opening
    def check(self) -> None:
        """Raise :class:`ConnectionError` when the endpoint does not answer a query."""
        self.query("ASK {}")

    def check_union(self) -> None:
        """Make sure the default graph is the union of the named graphs, as kg's queries expect:
        a triple of the ontology graph must be visible without ``GRAPH``. A Jena server
        without ``unionDefaultGraph`` gets Jena's union graph as ``default-graph-uri``."""
        probe = list(
            self._select(
                f"SELECT ?s ?p ?o WHERE {{ GRAPH <{ids.ONTOLOGY_GRAPH}> {{ ?s ?p ?o "
                f"FILTER(isIRI(?s) && isIRI(?o)) }} }} LIMIT 1"
            )
        )
        if not probe:
            return  # nothing to see yet (an empty, read-only store)
        ask = f"ASK {{ {_term(probe[0]['s'])} {_term(probe[0]['p'])} {_term(probe[0]['o'])} }}"
        if bool(self.query(ask)):
            return
        if self.dialect == "jena":
            self._default_graph = JENA_UNION
            if bool(self.query(ask)):
                return
            self._default_graph = None
        raise LookupError(
            f"the default graph of {self.query_url} is not the union of its named graphs, which kg's "
            "queries need: start Oxigraph with --union-default-graph (kg serve does), or set "
            "tdb2:unionDefaultGraph true on a Fuseki dataset"
        )


def open_remote(url: str) -> RemoteStore:
    store = RemoteStore(url)
    store.check()
    return store


# ------------------------------------------------------------------------------ writer lease
class LeaseHeld(RuntimeError):
    """Another writer holds the store's writer lease."""


LEASE_SECONDS = 60.0  # a crashed writer blocks others this long at most ($KG_STORE_LEASE_SECONDS)
LEASE_WAIT = 10.0  # how long a writer waits for the lease before refusing ($KG_STORE_LEASE_WAIT)
_LEASE_GRAPH = ox.NamedNode(ids.LEASE_GRAPH)
_HOLDER = ox.NamedNode(ids.LEASE_TERMS + "holder")
_EXPIRES = ox.NamedNode(ids.LEASE_TERMS + "expires")  # milliseconds since 1970 (UTC), an xsd:integer
_XSD_INTEGER = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")


def _env_seconds(name: str, default: float) -> float:
    try:
        return max(0.0, float(os.environ.get(name, default)))
    except ValueError:
        return default


def _now_ms() -> int:
    return int(time.time() * 1000)


class WriterLease:
    """One writer at a time on a remote store, by a lease kept in the store itself.

    Why: a write reads the corpus graph's tallies, works out the changes in Python and sends
    them in one update; two writers at once could both read the same tally and one of the two
    changes would be lost. The corpus changes cannot be computed by the server in the same
    update (the rules that resolve a label or a type live in :mod:`kg.corpus`), so writers
    take turns.

    The lease is a resource in its own graph (:data:`kg.ids.LEASE_GRAPH`) with a holder (user,
    host, process) and an expiry. Taking it: if no other live lease is there, insert ours, then
    read all leases back; ours is held only if no other live lease is there after our insert
    was committed. Two writers that insert at once both see the other, both withdraw and try
    again after a random pause; of two that insert one after the other, the second sees the
    first. This needs no transaction isolation beyond "a read sees every update committed
    before it", which Oxigraph, Virtuoso and Jena give, and no server-specific syntax.

    A background thread renews the lease every third of its life, so a crashed writer (kill -9,
    a lost machine) blocks others for at most :data:`LEASE_SECONDS`; an expired lease is
    removed by the next writer (only if it has not been renewed meanwhile).
    ``$KG_STORE_BREAK_LEASE=1`` removes every other lease first: for a writer known to be dead.
    A writer whose lease was lost (not renewed in time: the process was stopped for longer than
    the lease lives) is refused its next write.
    """

    def __init__(self, url: str, *, seconds: float | None = None, wait: float | None = None):
        self.url = url
        self.seconds = seconds if seconds is not None else _env_seconds("KG_STORE_LEASE_SECONDS", LEASE_SECONDS)
        self.wait = wait if wait is not None else _env_seconds("KG_STORE_LEASE_WAIT", LEASE_WAIT)
        self.token = secrets.token_hex(12)
        self.node = ox.NamedNode(ids.lease_iri(self.token))
        self.holder = (
            f"{getpass.getuser()}@{socket.gethostname()} pid {os.getpid()}, since "
            f"{time.strftime('%Y-%m-%d %H:%M:%S', time.gmtime())} UTC"
        )
        self.expires = 0
        self.lost = False
        self._client = RemoteStore(url)  # its own HTTP session: the renewing thread uses it too
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # ---------------------------------------------------------------- reading and writing leases
    def leases(self) -> dict[str, tuple[str, int]]:
        """Every lease in the store: ``{lease IRI: (holder, expiry in ms)}``."""
        sols = self._client.query(
            f"SELECT ?l ?h ?e WHERE {{ GRAPH {_LEASE_GRAPH} {{ ?l {_EXPIRES} ?e . OPTIONAL {{ ?l {_HOLDER} ?h }} }} }}"
        )
        out = {}
        for sol in sols:
            try:
                expires = int(sol["e"].value)
            except ValueError:
                expires = 0  # not a lease kg wrote: treat it as expired
            out[sol["l"].value] = (sol["h"].value if sol["h"] is not None else "an unnamed writer", expires)
        return out

    def _drop(self, lease: str, expires: int | None = None) -> None:
        """Remove a lease; with ``expires``, only if it still has that expiry (not renewed since)."""
        node = _term(ox.NamedNode(lease))
        cond = (
            f"{node} {_EXPIRES} {_term(ox.Literal(str(expires), datatype=_XSD_INTEGER))} . "
            if expires is not None
            else ""
        )
        self._client.update(
            f"DELETE {{ GRAPH {_LEASE_GRAPH} {{ {node} ?p ?o }} }} "
            f"WHERE {{ GRAPH {_LEASE_GRAPH} {{ {cond}{node} ?p ?o }} }}"
        )

    def _expiry(self) -> int:
        return _now_ms() + int(self.seconds * 1000)

    def _others(self) -> dict[str, tuple[str, int]]:
        """The live leases of other writers; expired ones are removed on the way."""
        now = _now_ms()
        others = {}
        for lease, (holder, expires) in self.leases().items():
            if lease == self.node.value:
                continue
            if expires <= now:
                log.info("removing an expired writer lease of %s", holder)
                self._drop(lease, expires)
            else:
                others[lease] = (holder, expires)
        return others

    # ---------------------------------------------------------------- the protocol
    def acquire(self) -> None:
        """Take the lease, waiting up to ``wait`` seconds; :class:`LeaseHeld` names the holder."""
        if os.environ.get("KG_STORE_BREAK_LEASE", "") not in ("", "0"):
            for lease, (holder, _) in self.leases().items():
                log.warning("breaking the writer lease of %s ($KG_STORE_BREAK_LEASE)", holder)
                self._drop(lease)
        deadline = time.monotonic() + self.wait
        while True:
            others = self._others()
            if not others:
                self.expires = self._expiry()
                self._client.update(
                    cast(
                        str,
                        insert_data(
                            [
                                ox.Quad(self.node, _HOLDER, ox.Literal(self.holder), _LEASE_GRAPH),
                                ox.Quad(
                                    self.node,
                                    _EXPIRES,
                                    ox.Literal(str(self.expires), datatype=_XSD_INTEGER),
                                    _LEASE_GRAPH,
                                ),
                            ]
                        ),
                    )
                )
                others = self._others()  # read back after our insert was committed
                if not others:
                    self._start_renewing()
                    return
                self._drop(self.node.value)  # another writer came in at the same time: both withdraw
            if time.monotonic() >= deadline:
                holder = min(others.values(), key=lambda v: v[1])[0]
                raise LeaseHeld(
                    f"another kg process is writing to {self.url}: {holder} holds its writer lease "
                    f"(renewed while it runs; it lapses within {self.seconds:.0f} s of that process stopping). Wait for it "
                    f"and run this again, or set KG_STORE_LEASE_WAIT to wait longer; if that process is "
                    f"known to be dead, KG_STORE_BREAK_LEASE=1 removes its lease"
                )
            time.sleep(random.uniform(0.2, 1.0))

    def renew(self) -> bool:
        """Push the expiry on; False (and ``lost``) if the lease is no longer ours."""
        with self._lock:
            if self.lost:
                return False
            new = self._expiry()
            old_lit = _term(ox.Literal(str(self.expires), datatype=_XSD_INTEGER))
            new_lit = _term(ox.Literal(str(new), datatype=_XSD_INTEGER))
            node = _term(self.node)
            self._client.update(
                f"DELETE {{ GRAPH {_LEASE_GRAPH} {{ {node} {_EXPIRES} {old_lit} }} }} "
                f"INSERT {{ GRAPH {_LEASE_GRAPH} {{ {node} {_EXPIRES} {new_lit} }} }} "
                f"WHERE {{ GRAPH {_LEASE_GRAPH} {{ {node} {_EXPIRES} {old_lit} }} }}"
            )
            mine = self.leases().get(self.node.value)
            if mine is None or mine[1] != new:
                # removed by another writer when it had expired: the next write is refused
                self.lost = True
                log.warning("lost the writer lease on %s", self.url)
                return False
            self.expires = new
            return True

    def check(self) -> None:
        """Raise :class:`LeaseHeld` if this writer no longer holds the lease."""
        if self.lost or (self.expires and self.expires <= _now_ms()):
            self.lost = True
            raise LeaseHeld(
                f"this kg process lost its writer lease on {self.url} (not renewed for {self.seconds:.0f} s: "
                f"was it stopped?); another writer may have written since. Run the command again"
            )

    def release(self) -> None:
        """Give the lease back (stop renewing, remove it from the store)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        with self._lock:
            if not self.lost and self.expires:
                try:
                    self._drop(self.node.value)
                except (OSError, RuntimeError, PermissionError) as exc:  # it expires by itself
                    log.warning("could not give back the writer lease on %s: %s", self.url, exc)
            self.expires = 0

    def _start_renewing(self) -> None:
        def loop() -> None:
            while not self._stop.wait(self.seconds / 3):
                try:
                    if not self.renew():
                        return
                except (
                    OSError,
                    RuntimeError,
                    PermissionError,
                ) as exc:  # try again next time; check() says when it lapsed
                    log.warning("could not renew the writer lease on %s: %s", self.url, exc)

        self._thread = threading.Thread(target=loop, name="kg-writer-lease", daemon=True)
        self._thread.start()


# one lease per process and URL, shared by the store objects that write there (a process is one
# writer: kg's own code opens the store once per command, a notebook may open it twice)
_LEASES: dict[str, tuple[WriterLease, int]] = {}
_LEASES_LOCK = threading.Lock()


def _shared_lease(url: str) -> WriterLease:
    with _LEASES_LOCK:
        if url in _LEASES and not _LEASES[url][0].lost:
            lease, users = _LEASES[url]
            _LEASES[url] = (lease, users + 1)
            return lease
        lease = WriterLease(url)
        lease.acquire()  # LeaseHeld when another process writes there
        _LEASES[url] = (lease, 1)
        return lease


def _return_lease(lease: WriterLease) -> None:
    with _LEASES_LOCK:
        held = _LEASES.get(lease.url)
        if held is None or held[0] is not lease:
            lease.release()
            return
        if held[1] > 1:
            _LEASES[lease.url] = (lease, held[1] - 1)
            return
        del _LEASES[lease.url]
    lease.release()


@atexit.register
def _release_all() -> None:
    """A process that ends without closing its stores gives its leases back (a killed one
    cannot: its lease lapses after LEASE_SECONDS)."""
    with _LEASES_LOCK:
        leases = [lease for lease, _ in _LEASES.values()]
        _LEASES.clear()
    for lease in leases:
        lease.release()
