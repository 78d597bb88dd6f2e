"""What one long article costs against the same text cut into short articles.

    .venv/bin/python benchmarks/long_article.py [--chars 1000000] [--short-chars 3000] [--part long|short|both]

The text is made up here (never read from ../shared/eval): news-like paragraphs built from
templates over invented and public names — attributed quotes, reported speech, praise and
criticism, titles, pronouns, organisations and countries — drawn with a fixed seed, so every
run reads the same text. Each side runs in a fresh child process (``--part``), which reports
its wall-clock seconds, CPU seconds and peak resident memory (``ru_maxrss``). The script
prints one JSON object:

* ``long``: one article of ``--chars`` characters through :func:`kg.pipeline.extract_articles`
  (the path ``kg ingest`` and ``kg extract`` take);
* ``short``: the same paragraphs cut into articles of about ``--short-chars`` characters,
  through the same function;
* ``per_word_ratio``: the long article's seconds per word over the short articles'.

The stance encoder runs as shipped unless ``KG_STANCE_ENCODER=none`` is set.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PEOPLE = [
    ("Senator", "Mara Quill"),
    ("Governor", "Tom Reyes"),
    ("Mayor", "Ann Bolt"),
    ("Minister", "Erik Lund"),
    ("Foreign Minister", "Anna Berg"),
    ("President", "Daniel Okafor"),
    ("Prime Minister", "Helen Varga"),
    ("General", "Victor Sandoval"),
    ("Ambassador", "Lucia Ferraro"),
    ("Representative", "James Whitfield"),
    ("Chancellor", "Petra Holm"),
    ("Secretary", "Samuel Adeyemi"),
    ("Judge", "Carmen Ruiz"),
    ("Commissioner", "Olivia Grant"),
    ("Defence Minister", "Rashid Karimov"),
    ("Senator", "Paul Hendricks"),
    ("Deputy Prime Minister", "Nadia Haddad"),
    ("Interior Minister", "Jonas Weber"),
    ("Speaker", "Grace Mensah"),
    ("Governor", "Luis Ortega"),
    ("Mayor", "Irene Kowalski"),
    ("President", "Ahmed Mansour"),
]
ORGS = [
    "the United Nations",
    "the European Union",
    "NATO",
    "the World Bank",
    "the Red Cross",
    "the Justice Ministry",
    "the Central Bank",
    "the Labour Party",
    "the National Assembly",
    "the Supreme Court",
    "the African Union",
    "the Electoral Commission",
    "Reuters",
    "the opposition alliance",
]
COUNTRIES = [
    "France",
    "Germany",
    "Libya",
    "Egypt",
    "Turkey",
    "Russia",
    "China",
    "Brazil",
    "Nigeria",
    "Japan",
    "the United States",
    "Italy",
    "Qatar",
    "Sudan",
    "Mexico",
]
TOPICS = [
    "the ceasefire",
    "the budget",
    "the new tax",
    "the peace talks",
    "the arms embargo",
    "the election law",
    "the trade deal",
    "the reform plan",
    "the oil agreement",
    "the refugee policy",
    "the court ruling",
]
PRAISE = ["praised", "welcomed", "backed", "supported", "thanked", "applauded", "defended", "endorsed"]
BLAME = ["criticised", "condemned", "rejected", "attacked", "accused", "blamed", "denounced", "opposed"]
SAY = ["said", "told reporters", "added", "insisted", "warned", "argued", "noted", "stressed"]
PLACES = [
    "in Geneva",
    "in Tripoli",
    "on Tuesday",
    "in a statement",
    "at a news conference",
    "on Friday",
    "during a visit to the capital",
    "in an interview",
    "late on Sunday",
    "before parliament",
]
QUOTES = [
    "This is a historic step for our people",
    "We will not accept this decision",
    "The plan is reckless and will fail",
    "Our partners have shown real courage",
    "There can be no military solution",
    "They have betrayed the trust of voters",
    "We are ready to work with anyone who respects the law",
    "The talks are going nowhere",
    "This government has lost its way",
    "We welcome every effort towards peace",
]


def _person(rng: random.Random) -> tuple[str, str]:
    title, name = rng.choice(PEOPLE)
    return title, name


def _sentence(rng: random.Random) -> str:
    t1, p1 = _person(rng)
    t2, p2 = _person(rng)
    last1, last2 = p1.split()[-1], p2.split()[-1]
    org, country, topic = rng.choice(ORGS), rng.choice(COUNTRIES), rng.choice(TOPICS)
    forms = [
        lambda: f"{t1} {p1} {rng.choice(PRAISE)} {t2} {p2} {rng.choice(PLACES)}.",
        lambda: f"{t1} {p1} {rng.choice(BLAME)} {org} over {topic} {rng.choice(PLACES)}.",
        lambda: f"\u201c{rng.choice(QUOTES)},\u201d {last1} {rng.choice(SAY)}.",
        lambda: f"{p1}, the {country} {t1.lower()}, {rng.choice(SAY)} that {org} had {rng.choice(BLAME)} {topic}.",
        lambda: f"Mr. {last2} {rng.choice(BLAME)} {country} for its role in {topic}, according to {org}.",
        lambda: f"{country} {rng.choice(PRAISE)} {org}, and {p2} {rng.choice(SAY)} the move was overdue.",
        lambda: f"In {country}, officials {rng.choice(SAY)} {topic} would be delayed until next year.",
        lambda: f"She {rng.choice(PRAISE)} {p2} for his work on {topic}.",
        lambda: f"{org} {rng.choice(SAY)} it was studying the proposal, which {p1} has {rng.choice(BLAME)}.",
        lambda: (
            f"\u201c{rng.choice(QUOTES)}. {rng.choice(QUOTES)},\u201d {t2} {p2} {rng.choice(SAY)} {rng.choice(PLACES)}."
        ),
        lambda: f"The decision drew a sharp response from {p1}, who {rng.choice(BLAME)} {p2} and {org}.",
        lambda: (
            f"Talks between {country} and {rng.choice(COUNTRIES)} on {topic} resumed after a pause of {rng.randint(2, 11)} weeks."
        ),
    ]
    return rng.choice(forms)()


def make_text(chars: int, seed: int = 7) -> list[str]:
    """Paragraphs of 3-6 sentences, about ``chars`` characters in all."""
    rng = random.Random(seed)
    paragraphs, total = [], 0
    while total < chars:
        p = " ".join(s[0].upper() + s[1:] for s in (_sentence(rng) for _ in range(rng.randint(3, 6))))
        paragraphs.append(p)
        total += len(p) + 2
    return paragraphs


def _run(part: str, chars: int, short_chars: int) -> dict:
    """Extract in this process and report what it cost (called in a child)."""
    from kg.nlp import load_nlp
    from kg.pipeline import extract_articles
    from kg.records import Article, Extraction

    paragraphs = make_text(chars)
    if part == "long":
        texts = ["\n\n".join(paragraphs)[:chars]]
    else:
        texts, cur = [], []
        for p in paragraphs:
            cur.append(p)
            if sum(len(x) + 2 for x in cur) >= short_chars:
                texts.append("\n\n".join(cur))
                cur = []
        if cur:
            texts.append("\n\n".join(cur))
    nlp = load_nlp()
    if part == "long":
        nlp.max_length = max(nlp.max_length, chars + 1)
    words = sum(len(t.split()) for t in texts)
    rss_loaded = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    arts = [Article(id=f"a{i}", text=t) for i, t in enumerate(texts)]
    t0, c0 = time.perf_counter(), os.times()
    out = list(extract_articles(arts, nlp=nlp))
    wall = time.perf_counter() - t0
    c1 = os.times()
    cpu = (
        (c1.user - c0.user)
        + (c1.system - c0.system)
        + (c1.children_user - c0.children_user)
        + (c1.children_system - c0.children_system)
    )
    bad = [str(x) for x in out if not isinstance(x, Extraction)]
    stats = {
        "articles": len(texts),
        "chars": sum(len(t) for t in texts),
        "words": words,
        "seconds": round(wall, 2),
        "cpu_seconds": round(cpu, 2),
        "seconds_per_1000_words": round(1000 * wall / words, 3),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "peak_rss_mb_after_loading": round(rss_loaded / 1024),
        "worker_peak_rss_mb": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024),
        "actors": sum(len(x.actors) for x in out if isinstance(x, Extraction)),
        "statements": sum(len(x.statements) for x in out if isinstance(x, Extraction)),
        "stances": sum(len(x.stances) for x in out if isinstance(x, Extraction)),
    }
    if bad:
        stats["failed"] = bad
    return stats


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--chars", type=int, default=1_000_000, help="length of the long article")
    ap.add_argument("--short-chars", type=int, default=3000, help="length of each short article")
    ap.add_argument("--part", choices=["long", "short", "both"], default="both")
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(_run(args.part, args.chars, args.short_chars)))
        return
    parts = ["long", "short"] if args.part == "both" else [args.part]
    result: dict = {
        "chars": args.chars,
        "short_chars": args.short_chars,
        "encoder": os.environ.get("KG_STANCE_ENCODER", "shipped"),
    }
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    for part in parts:
        proc = subprocess.run(
            [
                sys.executable,
                __file__,
                "--child",
                "--part",
                part,
                "--chars",
                str(args.chars),
                "--short-chars",
                str(args.short_chars),
            ],
            env=env,
            capture_output=True,
            text=True,
        )
        if proc.returncode:
            sys.stderr.write(proc.stderr)
            raise SystemExit(f"the {part} run failed (exit {proc.returncode})")
        result[part] = json.loads(proc.stdout.strip().splitlines()[-1])
    if "long" in result and "short" in result:
        result["per_word_ratio"] = round(
            result["long"]["seconds_per_1000_words"] / result["short"]["seconds_per_1000_words"], 2
        )
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
