"""Topics and drivers: agreement with labelled needs, stability, and the cost added to analyze.

    python bench/drivers.py [--customers 600] [--days 30] [--seed 7] [--models default]
                            [--no-twcs]

1. **Simulated company** (``simulate`` preset ``small``, the given seed; six languages):
   simulate, store, ``analyze`` (timed, into an empty embedding cache), ``empathos
   topics`` (fit + assign, timed, reading the vectors ``analyze`` left in that cache), then
   assignment alone of every contact (timed) — the two cost ratios to ``analyze`` in the
   same run (the budget itself is measured by ``bench/analyze_overhead.py``).
2. **Agreement with the simulator's needs** (``interactions.need``, the need the
   simulator drew for each contact): adjusted mutual information (AMI), NMI and purity of
   the topics and of the keyword rule (``act.need.detect_need`` on the same opening), and
   the accuracy of each on a held-out half (split by a seeded hash of the contact id;
   topic → need mapped by majority on the other half; the keyword rule needs no mapping,
   its mapped accuracy is shown too). Per language as well. Also topics with k fixed to
   the number of needs.
3. **Stability**: the same store refitted with the same seed gives the same topics
   (adjusted Rand index 1.0 expected), and with another seed (ARI reported).
4. **Real data** (``../shared/data/real``): TWCS (``twcs_5k.csv``) imported, analysed,
   topics fitted (timed again: the ratio on real text), the stored model printed (terms,
   examples, language mix), its stability (the same openings refitted with the same seed:
   identical, and the same version as stored; seed 1: ARI), the top topics and drivers;
   ABCD's flows (``abcd_sample.json``: **three conversations only**, so its AMI is an
   illustration, not a measurement) against the TWCS topics and the keyword rule.

The decision whether topics replace the keyword need detection is printed from the
numbers (rule: topics must beat the keyword rule on held-out accuracy *and* AMI on the
simulator, the only labelled set of any size). Writes ``bench/results/drivers.json``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "results" / "drivers.json"
REAL = ROOT.parent / "shared" / "data" / "real"


def _fresh_cache(tmp: Path, name: str) -> None:
    """Point the embedding cache at an empty folder (cold timings)."""
    from empathos.config import get_settings

    os.environ["EMPATHOS_CACHE"] = str(tmp / name)
    get_settings.cache_clear()


def _purity(labels: list, classes: list) -> float:
    by: dict = defaultdict(Counter)
    for lab, c in zip(labels, classes, strict=True):
        by[lab][c] += 1
    return sum(max(v.values()) for v in by.values()) / len(labels)


def _half(iid: str, seed: int) -> int:
    return int(hashlib.sha256(f"{seed}:{iid}".encode()).hexdigest(), 16) % 2


def _mapped_accuracy(labels: list, needs: list, ids: list, seed: int) -> float | None:
    """Map each label to its majority need on half 0, score on half 1."""
    train: dict = defaultdict(Counter)
    for lab, need, iid in zip(labels, needs, ids, strict=True):
        if _half(iid, seed) == 0:
            train[lab][need] += 1
    mapping = {lab: c.most_common(1)[0][0] for lab, c in train.items()}
    test = [
        (mapping.get(lab), need)
        for lab, need, iid in zip(labels, needs, ids, strict=True)
        if _half(iid, seed) == 1
    ]
    return sum(p == n for p, n in test) / len(test) if test else None


def _agreement(labels: list, needs: list, ids: list, seed: int) -> dict:
    from sklearn.metrics import adjusted_mutual_info_score, normalized_mutual_info_score

    test = [(lab, n) for lab, n, i in zip(labels, needs, ids, strict=True) if _half(i, seed) == 1]
    return {
        "n": len(labels),
        "ami": float(adjusted_mutual_info_score(needs, labels)),
        "nmi": float(normalized_mutual_info_score(needs, labels)),
        "purity": _purity(labels, needs),
        "mapped_accuracy_test_half": _mapped_accuracy(labels, needs, ids, seed),
        "n_test_half": len(test),
    }


def _sim_rows(engine) -> list[dict]:  # noqa: ANN001
    from sqlalchemy import select

    from empathos.store.schema import customers, interactions
    from empathos.store.tables_topics import interaction_topics
    from empathos.understand.pipeline.topics import current_topic_model, openings
    from empathos.understand.topics import TopicConfig

    version = current_topic_model(engine)
    with engine.connect() as conn:
        rows = conn.execute(
            select(
                interactions.c.interaction_id,
                interactions.c.need,
                customers.c.language,
                interaction_topics.c.topic_id,
            )
            .select_from(
                interactions.join(
                    interaction_topics,
                    interaction_topics.c.interaction_id == interactions.c.interaction_id,
                ).outerjoin(customers, customers.c.customer_id == interactions.c.customer_id)
            )
            .where(interaction_topics.c.model_version == version, interactions.c.need.is_not(None))
            .order_by(interactions.c.interaction_id)
        ).all()
        ops = openings(conn, [r.interaction_id for r in rows], TopicConfig())
    return [
        {
            "id": r.interaction_id,
            "need": r.need,
            "language": r.language or "unknown",
            "topic": int(r.topic_id),
            "text": ops[r.interaction_id].text,
            "opening": ops[r.interaction_id],
        }
        for r in rows
        if r.interaction_id in ops
    ]


def _language_spread(rows: list[dict]) -> dict:
    by: dict = defaultdict(Counter)
    for r in rows:
        by[r["topic"]][r["language"]] += 1
    spans = 0
    for c in by.values():
        n = sum(c.values())
        if sum(1 for v in c.values() if v / n >= 0.10) >= 2:
            spans += 1
    return {"topics": len(by), "topics_with_2plus_languages_at_10pct": spans}


def simulated(args: argparse.Namespace, tmp: Path) -> dict:
    import numpy as np
    from sklearn.metrics import adjusted_rand_score

    from empathos.act.need import detect_need
    from empathos.simulate import preset, run_simulation
    from empathos.simulate.store import store_simulation
    from empathos.store import init_db, make_engine
    from empathos.understand.pipeline import analyze
    from empathos.understand.pipeline.topics import (
        assign_new,
        contact_vectors,
        load_topic_model,
        run_topics,
    )
    from empathos.understand.topics import TopicConfig, fit_topics

    engine = make_engine(f"sqlite:///{tmp / 'sim.db'}")
    init_db(engine)
    cfg = preset("small", seed=args.seed, customers=args.customers, days=args.days)
    run_simulation(cfg, tmp / "sim", progress=False)
    store_simulation(tmp / "sim", engine)

    _fresh_cache(tmp, "cache-1")  # empty: what analyze leaves in it is all topics find
    t0 = time.perf_counter()
    rep = analyze(engine, args.models, args.models, progress=False)
    t_analyze = time.perf_counter() - t0
    t0 = time.perf_counter()
    trep = run_topics(engine, config=TopicConfig(seed=0))
    t_topics = time.perf_counter() - t0
    from sqlalchemy import delete

    from empathos.store.tables_topics import interaction_topics

    with engine.begin() as conn:
        conn.execute(delete(interaction_topics))
    t0 = time.perf_counter()  # the opening turns' vectors are the ones analyze left
    n_assigned, _ = assign_new(engine)
    t_assign = time.perf_counter() - t0

    with engine.connect() as conn:
        stored = load_topic_model(conn, trep.model_version)
    rows = _sim_rows(engine)
    ids = [r["id"] for r in rows]
    needs = [r["need"] for r in rows]
    topics = [r["topic"] for r in rows]
    keyword = [detect_need(r["text"]).need or "(none)" for r in rows]
    texts = [r["text"] for r in rows]
    vecs = contact_vectors([r["opening"] for r in rows], stored.config, stored.encoder)
    k_needs = len(set(needs))
    fixed = fit_topics(texts, vecs, [r["language"] for r in rows], TopicConfig(k=k_needs, seed=0))
    fixed_labels = fixed.assign(vecs)[0].tolist()

    agreement = {
        "topics (k by silhouette)": _agreement(topics, needs, ids, args.seed),
        f"topics (k = {k_needs} needs)": _agreement(fixed_labels, needs, ids, args.seed),
        "keyword rule (act.need)": _agreement(keyword, needs, ids, args.seed),
    }
    agreement["keyword rule (act.need)"]["direct_accuracy_test_half"] = sum(
        k == n for k, n, i in zip(keyword, needs, ids, strict=True) if _half(i, args.seed) == 1
    ) / max(1, sum(_half(i, args.seed) == 1 for i in ids))
    per_language = {}
    for lang in sorted({r["language"] for r in rows}):
        sel = [j for j, r in enumerate(rows) if r["language"] == lang]
        per_language[lang] = {
            "n": len(sel),
            "topics_mapped_accuracy": _mapped_accuracy(
                [topics[j] for j in sel], [needs[j] for j in sel], [ids[j] for j in sel], args.seed
            ),
            "keyword_direct_accuracy": sum(keyword[j] == needs[j] for j in sel) / len(sel),
        }

    # stability: the same seed refits to the same topics; another seed, ARI
    cfg0 = TopicConfig(seed=0)
    again = fit_topics(texts, vecs, None, cfg0).assign(vecs)[0]
    first = fit_topics(texts, vecs, None, cfg0).assign(vecs)[0]
    other = fit_topics(texts, vecs, None, TopicConfig(seed=1)).assign(vecs)[0]
    stability = {
        "same_seed_identical": bool(np.array_equal(again, first)),
        "ari_seed0_vs_seed1": float(adjusted_rand_score(first, other)),
    }
    return {
        "data": f"simulated (preset small, seed {args.seed}, {args.customers} customers, "
        f"{args.days} days)",
        "contacts": len(rows),
        "needs": dict(Counter(needs).most_common()),
        "k": trep.k,
        "silhouette": trep.silhouette,
        "topics": [
            {"label": t.label, "size": t.size, "languages": t.languages} for t in stored.topics
        ],
        "cost": {
            "analyze_s": t_analyze,
            "analyze_turns": rep.turns_emotion + rep.turns_empathy,
            "topics_fit_and_assign_s": t_topics,
            "topics_assign_only_s": t_assign,
            "vectors": "first-turn: the first customer turn's vector, left in the cache by analyze",
            "assigned": n_assigned,
            "ratio_fit_and_assign_to_analyze": t_topics / t_analyze,
            "ratio_assign_only_to_analyze": t_assign / t_analyze,
            "models": args.models,
        },
        "agreement": agreement,
        "per_language": per_language,
        "language_spread": _language_spread(rows),
        "stability": stability,
    }


def real(args: argparse.Namespace, tmp: Path) -> dict:
    from sklearn.metrics import adjusted_mutual_info_score

    from empathos.act.need import detect_need
    from empathos.listen import ingest_file
    from empathos.predict.drivers import drivers_report, report_notes
    from empathos.store import init_db, make_engine
    from empathos.understand.pipeline import analyze
    from empathos.understand.pipeline.topics import Opening, contact_vectors
    from empathos.understand.pipeline.topics import current_topic_model, load_topic_model
    from empathos.understand.pipeline.topics import run_topics
    from empathos.understand.topics import TopicConfig, opening_text, opening_turns

    engine = make_engine(f"sqlite:///{tmp / 'twcs.db'}")
    init_db(engine)
    ingest_file(REAL / "twcs_5k.csv", engine, rejects_path=tmp / "twcs.rejects")
    _fresh_cache(tmp, "cache-twcs")
    t0 = time.perf_counter()
    analyze(engine, args.models, args.models, progress=False)
    t_analyze = time.perf_counter() - t0
    t0 = time.perf_counter()
    trep = run_topics(engine, config=TopicConfig(seed=0))
    t_topics = time.perf_counter() - t0
    rep = drivers_report(engine, n_boot=1000)
    out = {
        "data": "imported: ../shared/data/real/twcs_5k.csv (Kaggle Customer Support on Twitter)",
        "contacts_with_topic": rep.n_contacts,
        "k": trep.k,
        "cost": {
            "analyze_s": t_analyze,
            "topics_fit_and_assign_s": t_topics,
            "ratio_fit_and_assign_to_analyze": t_topics / t_analyze,
        },
        "outcome": rep.outcome,
        "notes": report_notes(rep),
        "topics": [
            {
                "topic": t.topic_id,
                "label": t.label,
                "volume": t.volume,
                "remembered": t.remembered,
                "predicted_csat": t.predicted_csat,
                "churn": t.churn,
                "value_at_risk": t.value_at_risk,
                "example": t.examples[0] if t.examples else None,
            }
            for t in rep.topics
        ],
        "drivers": [
            {"name": d.name, "n": d.n, "impact": d.impact, "impact_ci": d.impact_ci}
            for d in rep.drivers[:10]
        ],
    }
    # the fitted model as stored: terms, examples, language mix; then stability on TWCS
    import numpy as np
    from sklearn.metrics import adjusted_rand_score
    from sqlalchemy import select

    from empathos.store.tables_topics import interaction_topics
    from empathos.understand.pipeline.topics import openings
    from empathos.understand.topics import fit_topics

    with engine.connect() as conn:
        stored = load_topic_model(conn, trep.model_version)
        ids = sorted(
            r.interaction_id
            for r in conn.execute(
                select(interaction_topics.c.interaction_id).where(
                    interaction_topics.c.model_version == trep.model_version
                )
            )
        )
        ops_all = openings(conn, ids, stored.config)
    out["silhouette"] = stored.silhouette
    out["model"] = [
        {
            "topic": t.topic_id,
            "label": t.label,
            "terms": t.terms,
            "examples": t.examples,
            "size": t.size,
            "languages": t.languages,
        }
        for t in stored.topics
    ]
    out["topics_with_2plus_languages_at_10pct"] = sum(
        1
        for t in stored.topics
        if sum(1 for v in t.languages.values() if v / max(1, sum(t.languages.values())) >= 0.10)
        >= 2
    )
    ops_l = list(ops_all.values())  # as fit_from_store orders them (the store holds < 20,000)
    vecs = contact_vectors(ops_l, stored.config, stored.encoder)
    texts, langs = [o.text for o in ops_l], [o.language for o in ops_l]
    cfg0 = TopicConfig(seed=0)
    first = fit_topics(texts, vecs, langs, cfg0)
    again = fit_topics(texts, vecs, langs, cfg0)
    other = fit_topics(texts, vecs, langs, TopicConfig(seed=1))
    out["stability"] = {
        "same_seed_identical": bool(
            np.array_equal(first.assign(vecs)[0], again.assign(vecs)[0])
            and [t.label for t in first.topics] == [t.label for t in again.topics]
        ),
        "same_seed_as_stored": first.version == stored.stored_version,
        "ari_seed0_vs_seed1": float(
            adjusted_rand_score(first.assign(vecs)[0], other.assign(vecs)[0])
        ),
        "k_seed1": other.k,
    }
    # ABCD: three conversations, their flow against the TWCS topics and the keyword rule
    convs = json.loads((REAL / "abcd_sample.json").read_text())
    cust = [[t for s, t in c["original"] if s == "customer"] for c in convs]
    texts = [opening_text(c, 2, 400) for c in cust]
    flows = [c["scenario"]["flow"] for c in convs]
    with engine.connect() as conn:
        model = load_topic_model(conn, current_topic_model(conn))
    ops = [
        Opening(str(i), t, None, None, tuple(opening_turns(c, 2)))
        for i, (t, c) in enumerate(zip(texts, cust, strict=True))
    ]
    tops = model.assign(contact_vectors(ops, model.config, model.encoder))[0].tolist()
    kw = [detect_need(t).need or "(none)" for t in texts]
    out["abcd"] = {
        "n": len(convs),
        "caveat": "three conversations: an illustration, not a measurement",
        "flows": flows,
        "topics": [model.topics[t].label for t in tops],
        "keyword": kw,
        "ami_topics": float(adjusted_mutual_info_score(flows, tops)),
        "ami_keyword": float(adjusted_mutual_info_score(flows, kw)),
        "purity_topics": _purity(tops, flows),
        "purity_keyword": _purity(kw, flows),
    }
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--customers", type=int, default=600)
    p.add_argument("--days", type=int, default=30)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--models", default="default", help="emotion/empathy backend for analyze")
    p.add_argument("--no-twcs", action="store_true", help="skip the real-data part")
    args = p.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="empathos-drivers-") as d:
        tmp = Path(d)
        result = {"simulated": simulated(args, tmp)}
        if not args.no_twcs:
            result["real"] = real(args, tmp)
    sim = result["simulated"]
    ag = sim["agreement"]
    kw, tp = ag["keyword rule (act.need)"], ag["topics (k by silhouette)"]
    replace = (tp["mapped_accuracy_test_half"] or 0) > kw["direct_accuracy_test_half"] and tp[
        "ami"
    ] > kw["ami"]
    result["decision"] = {
        "replace_keyword_need_detection": replace,
        "rule": "topics must beat the keyword rule on held-out accuracy and AMI (simulator)",
    }
    print(f"\n## Agreement with labelled needs — {sim['data']}, {sim['contacts']} contacts")
    print("| labelling | AMI | NMI | purity | held-out accuracy |")
    print("|---|---|---|---|---|")
    for name, a in ag.items():
        acc = a.get("direct_accuracy_test_half", a["mapped_accuracy_test_half"])
        print(f"| {name} | {a['ami']:.3f} | {a['nmi']:.3f} | {a['purity']:.3f} | {acc:.3f} |")
    print("\n| language | contacts | topics (mapped) accuracy | keyword accuracy |")
    print("|---|---|---|---|")
    for lang, v in sim["per_language"].items():
        ta = v["topics_mapped_accuracy"]
        print(
            f"| {lang} | {v['n']} | {ta if ta is None else round(ta, 3)} | "
            f"{v['keyword_direct_accuracy']:.3f} |"
        )
    c = sim["cost"]
    print(f"\n## Cost ({c['models']} models; same run)")
    print("| step | seconds | ratio to analyze |")
    print("|---|---|---|")
    print(f"| analyze ({c['analyze_turns']:,} turns) | {c['analyze_s']:.1f} | 1.00 |")
    print(
        f"| topics: fit + assign | {c['topics_fit_and_assign_s']:.1f} | "
        f"{c['ratio_fit_and_assign_to_analyze']:.3f} |"
    )
    print(
        f"| topics: assign only ({c['assigned']:,}) | {c['topics_assign_only_s']:.1f} | "
        f"{c['ratio_assign_only_to_analyze']:.3f} |"
    )
    if "real" in result:
        r = result["real"]
        rc = r["cost"]
        print(f"| TWCS analyze | {rc['analyze_s']:.1f} | 1.00 |")
        print(
            f"| TWCS topics: fit + assign | {rc['topics_fit_and_assign_s']:.1f} | "
            f"{rc['ratio_fit_and_assign_to_analyze']:.3f} |"
        )
        a = r["abcd"]
        print(
            f"\nABCD ({a['n']} conversations — {a['caveat']}): AMI topics "
            f"{a['ami_topics']:.3f}, keyword {a['ami_keyword']:.3f}; purity topics "
            f"{a['purity_topics']:.3f}, keyword {a['purity_keyword']:.3f}"
        )
        print(f"\n## TWCS topics ({r['k']}; silhouettes {r['silhouette']}), model as stored")
        for t in r["model"]:
            print(f"- {t['topic']} ({t['size']}, {t['languages']}): {t['terms']}")
            for e in t["examples"]:
                print(f"    > {e[:160]!r}")
        rs = r["stability"]
        print(
            f"TWCS stability: same seed identical {rs['same_seed_identical']} (as stored "
            f"{rs['same_seed_as_stored']}), ARI seed 0 vs 1 {rs['ari_seed0_vs_seed1']:.3f} "
            f"(k seed 1: {rs['k_seed1']}); topics spanning >=2 languages (>=10% each): "
            f"{r['topics_with_2plus_languages_at_10pct']} of {r['k']}"
        )
        print(f"ABCD flows {a['flows']}, topics {a['topics']}, keyword {a['keyword']}")
        print(f"\n## TWCS drivers by the {r['outcome']}")
        for t in r["topics"]:
            print(
                f"- {t['topic']}: {t['label']} ({t['volume']}) remembered "
                f"{t['remembered'] if t['remembered'] is None else round(t['remembered'], 3)}"
            )
        for d in r["drivers"]:
            ci = d["impact_ci"]
            print(f"  driver {d['name']}: impact {d['impact']}, CI {ci}")
    st = sim["stability"]
    print(
        f"\nstability: same seed identical {st['same_seed_identical']}, ARI seed 0 vs 1 "
        f"{st['ari_seed0_vs_seed1']:.3f}; topics spanning ≥2 languages (≥10% each): "
        f"{sim['language_spread']['topics_with_2plus_languages_at_10pct']} of "
        f"{sim['language_spread']['topics']}"
    )
    print(f"decision: replace keyword need detection = {replace} ({result['decision']['rule']})")
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(result, indent=2, default=str))
    print(f"wrote {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
