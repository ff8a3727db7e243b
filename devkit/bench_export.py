"""`scripts/bench export`: building an evidence package against `cat` + `sha256sum` of the same segments.

An hour of 10 s fMP4 segments (H.264 ~3 Mbit/s with a 2 s GOP, AAC) is made once, copied into a storage
folder and indexed; the window is cut from the middle of the first segment to the middle of the last.
Each run happens in a fresh process so its peak RSS (and that of its ffmpeg children) is its own.
Warm page cache for both sides: the segments are read once before timing.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from custom_components.doorbell_vault import merkle
from custom_components.doorbell_vault.evidence import export
from custom_components.doorbell_vault.evidence.order import CameraFootage, Order
from custom_components.doorbell_vault.evidence.signing import key_fingerprint, signing_key
from custom_components.doorbell_vault.store.seals import Proof
from custom_components.doorbell_vault.store.segments import Segment

SEGMENT_S = 10
BASE_US = 1_767_225_600_000_000  # 2026-01-01T00:00:00Z


def make_segment(path: Path) -> None:
    """One 10 s segment shaped like the recorder's (CBR ~3 Mbit/s, 2 s GOP, AAC, fragmented MP4)."""
    subprocess.run(
        [
            *("ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=15"),
            *("-f", "lavfi", "-i", "anoisesrc=sample_rate=16000", "-t", str(SEGMENT_S)),
            *("-c:v", "libx264", "-preset", "ultrafast", "-g", "30", "-b:v", "3M", "-minrate", "3M"),
            *("-maxrate", "3M", "-bufsize", "1M", "-x264-params", "nal-hrd=cbr:filler=1", "-c:a", "aac"),
            *("-movflags", "+frag_keyframe+empty_moov+default_base_moof", str(path)),
        ],
        check=True,
        timeout=300,
    )


def _relative(n: int) -> str:
    return f"camera/2026-01-01/{n // 360:02d}/{n:04d}.mp4"


def lay_out(sample: Path, storage: Path, count: int) -> list[Segment]:
    """`count` copies of the sample as one camera's segments."""
    for n in range(count):
        target = storage / _relative(n)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(sample, target)
    return indexed(storage, count)


def indexed(storage: Path, count: int) -> list[Segment]:
    """The first `count` segments lay_out wrote, as the index holds them."""
    segments = []
    for n in range(count):
        start = BASE_US + n * SEGMENT_S * 1_000_000
        size = (storage / _relative(n)).stat().st_size
        segments.append(Segment(n, "camera", start, start + SEGMENT_S * 1_000_000, size, _relative(n)))
    return segments


def _digests(storage: Path, segments: list[Segment]) -> list[bytes]:
    """What the recorder stored when it indexed each segment (not part of the export's cost)."""
    return [hashlib.sha256((storage / s.path).read_bytes()).digest() for s in segments]


def run_once(storage: Path, count: int) -> dict[str, float]:
    """Build one package with capture-time proofs (this process); print wall time and peak RSS."""
    segments = indexed(storage, count)
    digests = _digests(storage, segments)
    half = SEGMENT_S * 500_000
    key = signing_key(storage)
    started = time.perf_counter()
    # The capture-time proofs, as the share builder gets them from the index: one tree over the seal.
    tree = merkle.Tree(digests)
    root = tree.root().hex()
    proofs = {
        s.id: Proof(1, digests[i].hex(), i, tree.size, [n.hex() for n in tree.path(i)], root)
        for i, s in enumerate(segments)
    }
    order = Order(
        storage=storage,
        request_id=f"bench{count}{time.monotonic_ns()}",
        request={"agency": "Bench PD", "case_number": "1", "legal_basis": "warrant", "received": "-"},
        decision={"decided_by": "user", "decider_role": "household member"},
        start_us=segments[0].start_us + half,
        end_us=segments[-1].end_us - half,
        cameras=[CameraFootage("Front door", segments)],
        include_audio=False,
        audit_head={"entries": 0, "hash": "0" * 64},
        software={"name": "Doorbell Vault", "version": "bench"},
        terms={"text": ["Delete within 90 days."]},
        key_fingerprint=key_fingerprint(key),
        ffmpeg="ffmpeg",
        ffprobe="ffprobe",
        proofs=proofs,
        seals={1: {"seq": 1, "root": root}},
    )
    package = export.build(order, key, lambda _stage: None)
    seconds = time.perf_counter() - started
    export.remove(storage, order.request_id)
    return {
        "seconds": seconds,
        "bytes": package.package_bytes,
        "python_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "ffmpeg_rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
    }


def baseline(storage: Path, segments: list[Segment], scratch: Path) -> float:
    """`cat` the same segments into one file and `sha256sum` it."""
    paths = " ".join(str(storage / s.path) for s in segments)
    started = time.perf_counter()
    subprocess.run(f"cat {paths} > {scratch} && sha256sum {scratch} > /dev/null", shell=True, check=True)  # noqa: S602
    seconds = time.perf_counter() - started
    scratch.unlink()
    return seconds


def child(storage: Path, count: int) -> dict[str, float]:
    output = subprocess.run(
        [sys.executable, "-m", "devkit.bench_export", "--run", str(storage), str(count)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    result: dict[str, float] = json.loads(output.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=int, default=60, help="window length (default 60)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--run", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run:
        print(json.dumps(run_once(Path(args.run[0]), int(args.run[1]))))
        return
    with tempfile.TemporaryDirectory(prefix="doorbell-vault-bench-") as tmp:
        folder = Path(tmp)
        sample = folder / "sample.mp4"
        make_segment(sample)
        lengths = sorted({max(2, args.minutes // 6), args.minutes})
        storage = folder / "vault"
        segments = lay_out(sample, storage, args.minutes * 6 + 1)
        bitrate = sample.stat().st_size * 8 / SEGMENT_S / 1e6
        print(f"Segments: {len(segments)} x {SEGMENT_S} s, {bitrate:.2f} Mbit/s, warm page cache")
        for minutes in lengths:
            count = minutes * 6 + 1
            for s in segments[:count]:
                (storage / s.path).read_bytes()
            ours = [child(storage, count) for _ in range(args.repeat)]
            theirs = [baseline(storage, segments[:count], folder / "joined") for _ in range(args.repeat)]
            mine, base = statistics.median(r["seconds"] for r in ours), statistics.median(theirs)
            print(
                f"{minutes:>3} min window ({ours[0]['bytes'] / 1e6:,.0f} MB package): export {mine:.2f} s, "
                f"cat + sha256sum {base:.2f} s, ratio {mine / base:.2f}x (target <= 1.5x); peak RSS "
                f"Python {max(r['python_rss_mb'] for r in ours):.0f} MB, "
                f"ffmpeg {max(r['ffmpeg_rss_mb'] for r in ours):.0f} MB"
            )


if __name__ == "__main__":
    main()
