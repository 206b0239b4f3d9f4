"""Streaming ingest throughput: messages/s from NATS JetStream against file ingest of the
same records, in the same run.

Usage: python bench/stream_ingest.py [--records 20000] [--batch 500] [--nats URL]
                                     [--no-language]

The records are ``bench/ingest.py``'s synthetic interactions (6 turns each, seed 1;
source ``simulated`` in the sense that no customer wrote them). Each path imports them
into a fresh store: the file path with ``ingest_file`` (in-process, ``workers=0``, the
same conversion the consumer uses; and with its default workers, for reference), the
stream path with the ``empathos listen`` consumer (``listen.stream.consume``) after the
records were published to a fresh stream (publishing is timed apart and not counted;
the consumer's time runs from connecting to storing its last batch). The ratio is
stream / file (workers=0). Writes bench/results/stream_ingest.json and prints a table.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from ingest import make_file  # noqa: E402  (bench/ingest.py: the same synthetic records)

RESULTS = Path(__file__).parent / "results"


def fresh_store(url: str | None, tmp: Path, name: str):  # noqa: ANN201
    from empathos.store import init_db, make_engine

    engine = make_engine(url or f"sqlite:///{tmp / (name + '.db')}")
    init_db(engine)
    return engine


async def publish(url: str, subject: str, stream: str, lines: list[bytes]) -> float:
    import nats

    nc = await nats.connect(url)
    js = nc.jetstream()
    await js.add_stream(name=stream, subjects=[subject])
    start = time.perf_counter()
    for chunk in range(0, len(lines), 1000):  # acknowledged publishes, 1000 in flight
        futures = [await js.publish_async(subject, line) for line in lines[chunk : chunk + 1000]]
        await asyncio.gather(*futures)
    seconds = time.perf_counter() - start
    await nc.close()
    return seconds


async def drop(url: str, *streams: str) -> None:
    import nats

    nc = await nats.connect(url)
    js = nc.jetstream()
    for s in streams:
        with contextlib.suppress(Exception):  # best-effort cleanup
            await js.delete_stream(s)
    await nc.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--records", type=int, default=20_000)
    ap.add_argument("--batch", type=int, default=500)
    ap.add_argument("--nats", default="nats://127.0.0.1:4222")
    ap.add_argument("--no-language", action="store_true", help="skip language detection")
    args = ap.parse_args()

    from empathos.config import Settings
    from empathos.listen.ingest import ingest_file
    from empathos.listen.stream import StreamConfig, consume

    settings = Settings(detect_language=not args.no_language, batch_size=args.batch)
    tmp = Path(tempfile.mkdtemp(prefix="empathos-stream-bench-"))
    path = tmp / "records.jsonl"
    make_file(path, args.records * 6, per_interaction=6)
    lines = [line.rstrip(b"\n") for line in path.read_bytes().splitlines() if line.strip()]
    n = len(lines)

    rows = []
    for label, workers in (("file, workers=0", 0), ("file, default workers", None)):
        engine = fresh_store(None, tmp, f"file{workers}")
        report = ingest_file(
            path,
            engine,
            batch_size=args.batch,
            detect_language=settings.detect_language,
            workers=workers,
            rejects_path=tmp / "rejects.jsonl",
        )
        assert report.new == n, report
        rows.append({"path": label, "messages": n, "seconds": report.seconds})
        engine.dispose()

    tag = uuid.uuid4().hex[:8]
    subject, stream = f"empathos.bench.{tag}", f"EMPATHOS_BENCH_{tag}"
    dead = f"{subject}.dead"
    publish_s = asyncio.run(publish(args.nats, subject, stream, lines))
    engine = fresh_store(None, tmp, "stream")
    config = StreamConfig(
        url=args.nats,
        subject=subject,
        durable=f"bench-{tag}",
        stream=stream,
        dead_letter=dead,
        batch=args.batch,
        idle_exit_s=2.0,
    )
    report = asyncio.run(consume(engine, config, settings=settings))
    dead_stream = "EMPATHOS_" + dead.replace(".", "_").upper()
    asyncio.run(drop(args.nats, stream, dead_stream))
    assert report.new == n and report.dead == 0, report
    rows.append({"path": "stream (NATS JetStream)", "messages": n, "seconds": report.seconds})
    base = rows[0]["seconds"]
    for r in rows:
        r["messages_per_s"] = r["messages"] / r["seconds"]
        r["ratio_to_file_workers0"] = base / r["seconds"]

    print(
        f"{n:,} interactions x 6 turns, batch {args.batch}, language detection "
        f"{'on' if settings.detect_language else 'off'}, store a fresh SQLite file each"
    )
    print(f"{'path':<26}{'messages':>10}{'seconds':>10}{'msg/s':>10}{'ratio':>8}")
    for r in rows:
        print(
            f"{r['path']:<26}{r['messages']:>10,}{r['seconds']:>10.2f}"
            f"{r['messages_per_s']:>10,.0f}{r['ratio_to_file_workers0']:>8.2f}"
        )
    print(f"(publishing the stream took {publish_s:.2f} s, not counted)")
    RESULTS.mkdir(exist_ok=True)
    out = {
        "records": n,
        "turns_per_record": 6,
        "batch": args.batch,
        "detect_language": settings.detect_language,
        "store": "sqlite (a fresh file per path)",
        "data": "synthetic (bench/ingest.py make_file, seed 1)",
        "publish_seconds": publish_s,
        "rows": rows,
        "stream_over_file_ratio": rows[-1]["ratio_to_file_workers0"],
    }
    (RESULTS / "stream_ingest.json").write_text(json.dumps(out, indent=2))
    print(f"wrote {RESULTS / 'stream_ingest.json'}")


if __name__ == "__main__":
    main()
