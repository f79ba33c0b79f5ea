#!/usr/bin/env python3
"""Helper for writing newsx regression fixtures by hand.

The expectations are written by a person; this script only turns the strings that person
chose into byte offsets, and checks finished fixtures.

  fixture_offsets.py build SPEC.py FIXTURE_DIR   # write FIXTURE_DIR/expected.json from SPEC.py
  fixture_offsets.py check FIXTURE_DIR...        # verify expected.json against article.txt
  fixture_offsets.py find FIXTURE_DIR 'ctx [[span]] ctx'   # print the offsets of one span

A span is written as a string that occurs exactly once in article.txt; if only part of it is the
span, that part is marked with [[...]]: "near [[Palmyra]] on" locates `Palmyra` in that context.

A SPEC.py file is plain Python that uses the helpers below:

  published = "2025-12-27"
  title = "US-Syria Cooperation ..."            # or None
  dateline = ("Palmyra, Syria –", "Palmyra", "SY")  # or None
  sentences = ["first sentence text", ...]      # each written out in full, in order
  mentions = [D("[[December 13th]]", "DATE", "2025-12-13"), PL("near [[Palmyra]]", "Palmyra", "SY"),
              ORG("ISIS", "Islamic State"), PER("Hawach", "Nanar Hawash"),
              CAS("two US soldiers", "killed", 2, "victim")]
  quotes = [Q("quote inside the marks", "Speaker Name", "speaker words ctx", "verb")]
  totals = {"killed": 3}                         # missing types are null
  events = [EV("attack", "ambush", "2025-12-13", ("Palmyra", "SY"), killed=3, wounded=None,
               actors=[("perpetrator", "Islamic State"), ("target", "joint US-Syrian patrol")],
               quotes=[0, 1])]
"""
import json
import os
import sys

TOTAL_KEYS = ["killed", "wounded", "kidnapped", "missing", "arrested", "displaced"]
HERE = os.path.dirname(os.path.abspath(__file__))


class Locator:
    def __init__(self, data: bytes):
        self.data = data

    def find(self, spec: str):
        if "[[" in spec:
            pre, rest = spec.split("[[", 1)
            span, post = rest.split("]]", 1)
        else:
            pre, span, post = "", spec, ""
        ctx = (pre + span + post).encode("utf-8")
        n = self.data.count(ctx)
        if n != 1:
            raise SystemExit(f"context {spec!r} occurs {n} times (need exactly 1)")
        at = self.data.find(ctx)
        start = at + len(pre.encode("utf-8"))
        end = start + len(span.encode("utf-8"))
        return start, end, span

    def span(self, spec: str):
        s, e, t = self.find(spec)
        return {"start": s, "end": e, "text": t}


# spec helpers: they only record what the author wrote
def D(ctx, typ, value):
    return ("date", ctx, {"type": typ, "value": value})


def PL(ctx, name, country):
    return ("place", ctx, {"name": name, "country": country})


def ORG(ctx, name):
    return ("org", ctx, {"name": name})


def PER(ctx, name):
    return ("person", ctx, {"name": name})


def CAS(ctx, typ, count, role="victim"):
    return ("casualty", ctx, {"type": typ, "count": count, "role": role})


def Q(ctx, speaker, speaker_ctx, verb):
    return (ctx, speaker, speaker_ctx, verb)


def EV(typ, subtype, date, location, killed=None, wounded=None, actors=(), quotes=()):
    loc = None if location is None else {"name": location[0], "country": location[1]}
    return {"type": typ, "subtype": subtype, "date": date, "location": loc, "killed": killed,
            "wounded": wounded, "actors": [{"role": r, "name": n} for r, n in actors],
            "quotes": list(quotes)}


def build(spec_path, fdir):
    data = open(os.path.join(fdir, "article.txt"), "rb").read()
    loc = Locator(data)
    ns = dict(D=D, PL=PL, ORG=ORG, PER=PER, CAS=CAS, Q=Q, EV=EV)
    exec(open(spec_path, encoding="utf-8").read(), ns)
    out = {"published": ns["published"]}
    out["title"] = loc.span(ns["title"]) if ns.get("title") else None
    if ns.get("dateline"):
        text, place, country = ns["dateline"]
        d = loc.span(text)
        d.update(place=place, country=country)
        out["dateline"] = d
    else:
        out["dateline"] = None
    # sentences are located in order, each after the previous one
    sents, pos = [], 0
    for s in ns["sentences"]:
        b = s.encode("utf-8")
        at = data.find(b, pos)
        if at < 0:
            raise SystemExit(f"sentence not found after byte {pos}: {s!r}")
        sents.append({"start": at, "end": at + len(b), "text": s})
        pos = at + len(b)
    out["sentences"] = sents
    ments = []
    for kind, ctx, extra in ns.get("mentions", []):
        m = {"kind": kind}
        m.update(loc.span(ctx))
        m.update(extra)
        ments.append(m)
    ments.sort(key=lambda m: (m["start"], -m["end"]))
    out["mentions"] = ments
    quotes = []
    for ctx, speaker, sctx, verb in ns.get("quotes", []):
        q = loc.span(ctx)
        ss, se, _ = loc.find(sctx)
        q.update(speaker=speaker, speaker_start=ss, speaker_end=se, verb=verb)
        quotes.append(q)
    out["quotes"] = quotes
    tot = ns.get("totals", {})
    out["totals"] = {k: tot.get(k) for k in TOTAL_KEYS}
    out["events"] = ns.get("events", [])
    with open(os.path.join(fdir, "expected.json"), "w", encoding="utf-8") as f:
        f.write(json.dumps(out, indent=2, sort_keys=True, ensure_ascii=False) + "\n")
    return check(fdir)


def load_types():
    pairs = set()
    path = os.path.join(HERE, "..", "gazetteers", "event_types.tsv")
    for line in open(path, encoding="utf-8"):
        if line.startswith("#") or not line.strip():
            continue
        t, s = line.split("\t")[:2]
        pairs.add((t, s))
    return pairs


def check(fdir, verbose=True):
    data = open(os.path.join(fdir, "article.txt"), "rb").read()
    raw = open(os.path.join(fdir, "expected.json"), encoding="utf-8").read()
    exp = json.loads(raw)
    errs = []

    def span_ok(o, what):
        s, e = o["start"], o["end"]
        if not (0 <= s < e <= len(data)):
            errs.append(f"{what}: bad range {s}-{e}")
            return
        try:
            t = data[s:e].decode("utf-8")
        except UnicodeDecodeError:
            errs.append(f"{what}: range {s}-{e} splits a UTF-8 character")
            return
        if t != o["text"]:
            errs.append(f"{what}: text {o['text']!r} != bytes {t!r}")
        if t != t.strip():
            errs.append(f"{what}: span has surrounding whitespace {t!r}")

    if raw != json.dumps(exp, indent=2, sort_keys=True, ensure_ascii=False) + "\n":
        errs.append("expected.json is not pretty-printed with sorted keys")
    for k in ["published", "title", "dateline", "sentences", "mentions", "quotes", "totals", "events"]:
        if k not in exp:
            errs.append(f"missing key {k}")
    if exp.get("title"):
        span_ok(exp["title"], "title")
    if exp.get("dateline"):
        span_ok(exp["dateline"], "dateline")
    sents = exp["sentences"]
    for i, s in enumerate(sents):
        span_ok(s, f"sentence {i}")
        if i and s["start"] < sents[i - 1]["end"]:
            errs.append(f"sentence {i} overlaps the previous one")
    gaps = []
    prev = 0
    for s in sents + [{"start": len(data), "end": len(data)}]:
        g = data[prev:s["start"]].decode("utf-8", "replace")
        if g.strip():
            gaps.append(g.strip())
        prev = s["end"]

    def in_sentence(s, e):
        return any(x["start"] <= s and e <= x["end"] for x in sents)

    ms = exp["mentions"]
    kinds = {"date": {"type", "value"}, "place": {"name", "country"}, "org": {"name"},
             "person": {"name"}, "casualty": {"type", "count", "role"}}
    for i, m in enumerate(ms):
        span_ok(m, f"mention {i} ({m.get('kind')})")
        if m["kind"] not in kinds:
            errs.append(f"mention {i}: unknown kind")
        elif set(m) != {"kind", "start", "end", "text"} | kinds[m["kind"]]:
            errs.append(f"mention {i}: fields {sorted(m)}")
        if i and (m["start"], -m["end"]) < (ms[i - 1]["start"], -ms[i - 1]["end"]):
            errs.append(f"mention {i} out of order")
        if not in_sentence(m["start"], m["end"]):
            errs.append(f"mention {i} {m['text']!r} is outside every sentence")
        if m["kind"] == "date" and m["type"] not in ("DATE", "TIME", "DURATION", "SET"):
            errs.append(f"mention {i}: bad date type")
        if m["kind"] == "casualty":
            if m["type"] not in TOTAL_KEYS or m["role"] not in ("victim", "perpetrator"):
                errs.append(f"mention {i}: bad casualty type/role")
            if not isinstance(m["count"], int):
                errs.append(f"mention {i}: count not int")
    for i, q in enumerate(exp["quotes"]):
        span_ok(q, f"quote {i}")
        s, e = q["speaker_start"], q["speaker_end"]
        words = data[s:e].decode("utf-8")
        if words != words.strip() or not words:
            errs.append(f"quote {i}: bad speaker span {words!r}")
        if not in_sentence(s, e):
            errs.append(f"quote {i}: speaker span outside sentences")
    if set(exp["totals"]) != set(TOTAL_KEYS):
        errs.append("totals keys")
    pairs = load_types()
    for i, ev in enumerate(exp["events"]):
        if (ev["type"], ev["subtype"]) not in pairs:
            errs.append(f"event {i}: ({ev['type']}, {ev['subtype']}) not in the taxonomy")
        for qi in ev["quotes"]:
            if not 0 <= qi < len(exp["quotes"]):
                errs.append(f"event {i}: quote index {qi} out of range")
        for a in ev["actors"]:
            if a["role"] not in ("perpetrator", "target"):
                errs.append(f"event {i}: actor role {a['role']}")
    name = os.path.basename(os.path.normpath(fdir))
    if verbose:
        print(f"== {name}: {len(sents)} sentences, {len(ms)} mentions, {len(exp['quotes'])} quotes, "
              f"{len(exp['events'])} events; words {len(data.decode('utf-8').split())}")
        for g in gaps:
            print(f"   not in a sentence: {g!r}")
        cas = [(m["text"], m["type"], m["count"], m["role"]) for m in ms if m["kind"] == "casualty"]
        print(f"   casualties: {cas}")
        print(f"   totals: { {k: v for k, v in exp['totals'].items() if v is not None} }")
        for q in exp["quotes"]:
            words = data[q['speaker_start']:q['speaker_end']].decode()
            print(f"   quote by {q['speaker']} ({words!r}, {q['verb']}): {q['text'][:60]!r}")
    for e in errs:
        print(f"   ERROR {name}: {e}")
    return not errs


def main():
    if len(sys.argv) >= 4 and sys.argv[1] == "build":
        ok = build(sys.argv[2], sys.argv[3])
    elif len(sys.argv) >= 3 and sys.argv[1] == "check":
        ok = all([check(d) for d in sys.argv[2:]])
    elif len(sys.argv) == 4 and sys.argv[1] == "find":
        data = open(os.path.join(sys.argv[2], "article.txt"), "rb").read()
        print(Locator(data).span(sys.argv[3]))
        ok = True
    else:
        print(__doc__)
        ok = False
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
