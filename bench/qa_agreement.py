"""Auto-QA agreement with human labels, the handoff summary on real threads, and the
cost QA adds to ``analyze`` (issue 16 items 3, 5, 6):

    python bench/qa_agreement.py [--esconv 200] [--seed 16] [--empathy-model default]

1. **ESConv** (``../shared/data/esconv/train.json``, the only split shipped; nothing is
   trained here): a seeded shuffle of the conversations, the first ``--esconv`` the *dev*
   part the phrase lists were read against, the next ``--esconv`` the *test* part (the
   figures to quote; both printed). Every supporter turn's strategy label against the
   per-turn signal a QA item uses — emotional reaction >= 1 vs "Reflection of feelings",
   interpretation >= 1 (or a confirming phrase, as ``need_understood``) vs "Restatement
   or Paraphrasing", exploration >= 1 vs "Question", the ``resolution_offered`` phrases
   vs "Providing Suggestions" — precision, recall, Cohen's kappa; and per conversation each item's
   verdict against "the supporter used the strategy at least once".
2. **ABCD** (``../shared/data/real/abcd_sample.json``: **3 conversations**, so the table is
   three yes/no pairs per item, not a measurement): identification vs the agent's
   ``pull-up-account`` action, resolution offered vs a resolving action (anything but
   looking up and verifying).
3. **Summary** on TWCS (``twcs_5k.csv`` threads as ``empathos ingest`` stores them) and
   ABCD: how many contacts get a need, tried, state and open promise; every quote checked
   to be verbatim from its turn.
4. **Cost**: ``analyze`` on the TWCS + ABCD store with the default models; the QA step's
   seconds against the rest of the same run (the ratio), and the summaries' time.

Prints tables, writes ``bench/results/qa_agreement.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
OUT = ROOT / "bench" / "results" / "qa_agreement.json"


def kappa(pairs: list[tuple[bool, bool]]) -> dict:
    """Precision, recall, agreement and Cohen's kappa of (predicted, label) pairs."""
    n = len(pairs)
    tp = sum(p and y for p, y in pairs)
    fp = sum(p and not y for p, y in pairs)
    fn = sum(y and not p for p, y in pairs)
    tn = n - tp - fp - fn
    po = (tp + tn) / n if n else None
    pp, py = (tp + fp) / n if n else 0, (tp + fn) / n if n else 0
    pe = pp * py + (1 - pp) * (1 - py)
    k = None if po is None or pe == 1 else (po - pe) / (1 - pe)
    return {
        "n": n,
        "label_rate": round(py, 4) if n else None,
        "predicted_rate": round(pp, 4) if n else None,
        "precision": round(tp / (tp + fp), 4) if tp + fp else None,
        "recall": round(tp / (tp + fn), 4) if tp + fn else None,
        "agreement": None if po is None else round(po, 4),
        "kappa": None if k is None else round(k, 4),
    }


# ---------------------------------------------------------------------------- ESConv


def esconv(n_conv: int, seed: int, empathy_model: str, part: str = "test") -> dict:
    from empathos.understand.pipeline import seeker_texts
    from empathos.understand.protocols import get_empathy_model
    from empathos.understand.qa import items as qi
    from empathos.understand.qa.rubric import DEFAULT_RUBRIC, QAContact, QATurn, load_rubric

    rows = [json.loads(x) for x in (SHARED / "esconv" / "train.json").open(encoding="utf-8")]
    order = list(range(len(rows)))
    random.Random(seed).shuffle(order)
    # the first n (dev) are the conversations the phrase lists were read against; the next
    # n (test) were not looked at: the figures to quote
    sample = order[:n_conv] if part == "dev" else order[n_conv : 2 * n_conv]
    convs = []
    for k in sorted(sample):
        turns = []
        for j, t in enumerate(rows[k]["dialog"]):
            sp = "employee" if t["speaker"] == "sys" else "customer"
            turns.append((j + 1, sp, t["text"].strip(), t.get("strategy")))
        convs.append((k, turns))
    model = get_empathy_model(empathy_model)
    seekers, replies, keys = [], [], []
    for k, turns in convs:
        ctx = [(s, sp, x) for s, sp, x, _ in turns]
        emp = [s for s, sp, _, _ in turns if sp == "employee"]
        st = seeker_texts(ctx, emp)
        for s, sp, x, _ in turns:
            if sp == "employee":
                seekers.append(st.get(s, ""))
                replies.append(x)
                keys.append((k, s))
    t0 = time.perf_counter()
    levels = {}
    for i in range(0, len(replies), 256):
        p = model.predict_proba(seekers[i : i + 256], replies[i : i + 256])
        for j, row in enumerate(p.argmax(axis=2)):
            levels[keys[i + j]] = tuple(int(v) for v in row)
    empathy_s = time.perf_counter() - t0
    turn_pairs: dict[str, list[tuple[bool, bool]]] = {
        "emotional_reaction vs Reflection of feelings": [],
        "interpretation or confirming phrase vs Restatement or Paraphrasing": [],
        "exploration vs Question": [],
        "resolution phrases vs Providing Suggestions": [],
    }
    names = list(turn_pairs)
    rubric = load_rubric(DEFAULT_RUBRIC)
    conv_pairs: dict[str, list[tuple[bool, bool]]] = {
        "empathy_mechanisms pass vs any Reflection of feelings": [],
        "need_understood pass vs any Restatement or Paraphrasing": [],
        "resolution_offered pass vs any Providing Suggestions": [],
    }
    statuses: Counter = Counter()
    for k, turns in convs:
        qa_turns = []
        strategies = set()
        for s, sp, x, strat in turns:
            lv = levels.get((k, s))
            if sp == "employee":
                strategies.add(strat)
                turn_pairs[names[0]].append((lv[0] >= 1, strat == "Reflection of feelings"))
                turn_pairs[names[1]].append(
                    (
                        lv[1] >= 1 or bool(qi.CONFIRM.search(x)),
                        strat == "Restatement or Paraphrasing",
                    )
                )
                turn_pairs[names[2]].append((lv[2] >= 1, strat == "Question"))
                turn_pairs[names[3]].append(
                    (bool(qi.RESOLUTION.search(x)), strat == "Providing Suggestions")
                )
            qa_turns.append(QATurn(s, sp, x, empathy=lv if sp == "employee" else None))
        card = {
            e.item: item.score(QAContact(str(k), tuple(qa_turns)), dict(e.options))
            for e, item in rubric.items()
        }
        for name, r in card.items():
            statuses[(name, r.status)] += 1
        for label, (item, strat) in zip(
            conv_pairs,
            (
                ("empathy_mechanisms", "Reflection of feelings"),
                ("need_understood", "Restatement or Paraphrasing"),
                ("resolution_offered", "Providing Suggestions"),
            ),
            strict=True,
        ):
            r = card[item]
            if r.status in ("pass", "fail"):
                conv_pairs[label].append((r.status == "pass", strat in strategies))
    return {
        "data": "ESConv train.json (Liu et al., ACL 2021), the only split shipped",
        "sample": f"{part}: {len(convs)} conversations ({'first' if part == 'dev' else 'second'}"
        f" {n_conv} of random.Random({seed}).shuffle of the {len(rows)})",
        "empathy_model": f"{model.name} v{model.version}",
        "empathy_seconds": round(empathy_s, 2),
        "turns": {k: kappa(v) for k, v in turn_pairs.items()},
        "conversations": {k: kappa(v) for k, v in conv_pairs.items()},
        "statuses": {f"{a}:{b}": n for (a, b), n in sorted(statuses.items())},
        "note": "emotional-support chats, not customer service: the greeting, ending and "
        "effort items have no label here; ESConv's seekers are emotional by design, so "
        "empathy_mechanisms is applicable only where the lexicon reads a negative word "
        "(no emotion model is run in this part)",
    }


# ---------------------------------------------------------------------------- ABCD

ID_ACTIONS = {"pull-up-account"}
NOT_RESOLVING = {
    "pull-up-account",
    "verify-identity",
    "validate-purchase",
    "search-faq",
    "ask-the-oracle",
}


def abcd_contacts() -> list[tuple[dict, list]]:
    """(conversation, [(seq, speaker, text, action)]) with ABCD's actions as system turns."""
    data = json.loads((SHARED / "real" / "abcd_sample.json").read_text(encoding="utf-8"))
    out = []
    for c in data:
        turns = []
        for j, (orig, dl) in enumerate(zip(c["original"], c["delexed"], strict=True)):
            sp = {"agent": "employee", "customer": "customer"}.get(orig[0], "system")
            action = dl["targets"][2] if orig[0] == "action" else None
            turns.append((j + 1, sp, orig[1], action))
        out.append((c, turns))
    return out


def abcd() -> dict:
    from empathos.understand.qa.rubric import DEFAULT_RUBRIC, QAContact, QATurn, load_rubric

    rubric = load_rubric(DEFAULT_RUBRIC)
    rows = []
    pairs: dict[str, list[tuple[bool, bool]]] = {
        "identification vs pull-up-account": [],
        "resolution_offered vs a resolving action": [],
    }
    for c, turns in abcd_contacts():
        actions = {a for *_, a in turns if a}
        contact = QAContact(str(c["convo_id"]), tuple(QATurn(s, sp, x) for s, sp, x, _ in turns))
        card = {e.item: item.score(contact, dict(e.options)) for e, item in rubric.items()}
        ident = bool(card["greeting_identification"].details.get("identification"))
        res = card["resolution_offered"].status == "pass"
        resolving = sorted(actions - NOT_RESOLVING)
        pairs["identification vs pull-up-account"].append((ident, bool(actions & ID_ACTIONS)))
        pairs["resolution_offered vs a resolving action"].append((res, bool(resolving)))
        rows.append(
            {
                "convo_id": c["convo_id"],
                "flow": c["scenario"]["flow"],
                "actions": sorted(actions),
                "identification": ident,
                "resolution_offered": res,
                "resolving_actions": resolving,
                "items": {k: v.status for k, v in card.items()},
            }
        )
    return {
        "data": "ABCD sample (ASAPP, NAACL 2021): 3 conversations",
        "conversations": rows,
        "agreement": {k: kappa(v) for k, v in pairs.items()},
        "note": "3 conversations: counts of agreeing pairs, not an accuracy estimate",
    }


# ---------------------------------------------------------------------------- store, cost


def real_store(root: Path):
    from empathos.listen import ingest_file
    from empathos.store import init_db, make_engine

    engine = make_engine(f"sqlite:///{root / 'qa.db'}")
    init_db(engine)
    for name, mapping in (("twcs_5k.csv", None), ("abcd_sample.json", "abcd")):
        ingest_file(SHARED / "real" / name, engine, mapping=mapping, rejects_path=root / "r.jsonl")
    return engine


def summaries(engine) -> dict:
    from sqlalchemy import select

    from empathos.store.schema import interactions, turns
    from empathos.understand.summary_store import stored_summary

    with engine.connect() as conn:
        ids = list(
            conn.execute(
                select(interactions.c.interaction_id).order_by(interactions.c.interaction_id)
            ).scalars()
        )
        texts = {
            (r.interaction_id, int(r.seq)): r.text
            for r in conn.execute(select(turns.c.interaction_id, turns.c.seq, turns.c.text))
        }
    t0 = time.perf_counter()
    counts: Counter = Counter()
    verbatim = total = 0
    examples = []
    for iid in ids:
        s = stored_summary(engine, iid)
        counts["contacts"] += 1
        for f in ("need", "tried", "open_promises"):
            counts[f] += bool(getattr(s, f))
        counts["state_now"] += bool(s.state_now)
        for q in (*s.need, *s.tried, *s.open_promises):
            total += 1
            verbatim += q.text.rstrip("…") in texts[(iid, q.seq)]
        if s.open_promises and len(examples) < 5:
            examples.append({"interaction_id": iid, "lines": s.lines()})
    seconds = time.perf_counter() - t0
    return {
        "counts": dict(counts),
        "quotes": total,
        "quotes_verbatim": verbatim,
        "seconds": round(seconds, 3),
        "examples_with_open_promises": examples,
    }


def cost(engine) -> dict:
    from empathos.understand.pipeline import analyze

    r = analyze(engine, progress=False)
    rest = r.seconds - r.qa_seconds
    return {
        "models": f"{r.emotion_model} v{r.emotion_version} / "
        f"{r.empathy_model} v{r.empathy_version}",
        "contacts_scored": r.interactions_scored,
        "qa_cards": r.interactions_qa,
        "analyze_seconds": round(r.seconds, 2),
        "qa_seconds": round(r.qa_seconds, 3),
        "qa_share_of_analyze": round(r.qa_seconds / r.seconds, 4) if r.seconds else None,
        "qa_added_vs_rest": round(r.qa_seconds / rest, 4) if rest > 0 else None,
        "qa_ms_per_contact": round(1000 * r.qa_seconds / max(r.interactions_qa, 1), 3),
        "load_average": os.getloadavg()[0],
    }


def _fmt(v) -> str:  # noqa: ANN001
    return "—" if v is None else (f"{v:.3f}" if isinstance(v, float) else str(v))


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--esconv", type=int, default=200, help="ESConv conversations (seeded)")
    ap.add_argument("--seed", type=int, default=16)
    ap.add_argument("--empathy-model", default="default")
    args = ap.parse_args(argv)
    out: dict = {
        "esconv_dev": esconv(args.esconv, args.seed, args.empathy_model, "dev"),
        "esconv": esconv(args.esconv, args.seed, args.empathy_model, "test"),
        "abcd": abcd(),
    }
    with tempfile.TemporaryDirectory() as tmp:
        engine = real_store(Path(tmp))
        out["cost"] = cost(engine)
        out["summary"] = summaries(engine)
        out["cost"]["summary_seconds"] = out["summary"]["seconds"]
        out["cost"]["summary_vs_analyze"] = round(
            out["summary"]["seconds"] / out["cost"]["analyze_seconds"], 4
        )
        engine.dispose()
    for key in ("esconv_dev", "esconv"):
        e = out[key]
        print(f"\nESConv agreement — {e['sample']}, empathy model {e['empathy_model']}")
        print("| signal vs label | n | label rate | predicted | precision | recall | kappa |")
        print("|---|---|---|---|---|---|---|")
        for block in ("turns", "conversations"):
            for k, v in e[block].items():
                print(
                    f"| {k} ({block[:-1]}) | {v['n']} | {_fmt(v['label_rate'])} | "
                    f"{_fmt(v['predicted_rate'])} | {_fmt(v['precision'])} | "
                    f"{_fmt(v['recall'])} | {_fmt(v['kappa'])} |"
                )
    print("\nABCD (3 conversations — pairs, not an estimate)")
    for r in out["abcd"]["conversations"]:
        print(
            f"  {r['convo_id']} {r['flow']}: identification {r['identification']} "
            f"(pull-up-account {'pull-up-account' in r['actions']}), resolution_offered "
            f"{r['resolution_offered']} (resolving actions {r['resolving_actions'] or 'none'})"
        )
    for k, v in out["abcd"]["agreement"].items():
        print(f"  {k}: {round(v['agreement'] * v['n'])}/{v['n']} agree")
    s = out["summary"]
    print(
        f"\nSummary on TWCS + ABCD (stored): {s['counts']} — {s['quotes_verbatim']}/"
        f"{s['quotes']} quotes verbatim, {s['seconds']:.2f}s"
    )
    c = out["cost"]
    print(
        f"\nCost in analyze ({c['models']}, {c['contacts_scored']} contacts, load "
        f"{c['load_average']:.1f}): QA {c['qa_seconds']:.2f}s of {c['analyze_seconds']:.2f}s "
        f"= {100 * c['qa_share_of_analyze']:.1f} % of the run, +{100 * c['qa_added_vs_rest']:.1f} "
        f"% over analyze without it ({c['qa_ms_per_contact']:.2f} ms per contact); summaries "
        f"of every contact {c['summary_seconds']:.2f}s"
    )
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(out, indent=2, default=str), encoding="utf-8")
    print(f"\nwrote {OUT.relative_to(ROOT)}")
    return out


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    main()
