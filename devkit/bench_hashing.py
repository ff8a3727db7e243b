"""`scripts/bench hashing`: the cost of hashing every segment when it is indexed (capture-time proofs).

Hashes real segment-sized files the way the recorder does (`recording.segment_filing.sha256_file`, from
the page cache, as a just-written segment is) and prints the share of one core that N cameras at B Mbit/s
need.
Figures only; no pass/fail.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from custom_components.doorbell_vault.recording.recorder_process import SEGMENT_SECONDS
from custom_components.doorbell_vault.recording.segment_filing import sha256_file


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cameras", type=int, default=16)
    parser.add_argument("--mbps", type=float, default=4.0, help="each camera's bit rate (Mbit/s)")
    parser.add_argument("--segments", type=int, default=200, help="segments hashed for the measurement")
    args = parser.parse_args()
    size = int(args.mbps * 1_000_000 / 8 * SEGMENT_SECONDS)
    with tempfile.TemporaryDirectory() as scratch:
        files = []
        for n in range(8):
            path = Path(scratch) / f"{n}.mp4"
            path.write_bytes(os.urandom(size))
            files.append(path)
        for path in files:  # warm: a segment is hashed right after ffmpeg wrote it
            sha256_file(path)
        started_cpu, started = time.process_time(), time.perf_counter()
        for n in range(args.segments):
            sha256_file(files[n % len(files)])
        cpu, wall = time.process_time() - started_cpu, time.perf_counter() - started
    throughput = args.segments * size / cpu / 1e9
    per_second = args.cameras * args.mbps * 1_000_000 / 8  # bytes recorded per second, all cameras
    share = per_second / (throughput * 1e9) * 100
    print(f"segment: {size / 1e6:.2f} MB ({args.mbps:g} Mbit/s x {SEGMENT_SECONDS} s)")
    print(
        f"sha256_file: {throughput:.2f} GB/s of CPU "
        f"({cpu:.3f} CPU-s, {wall:.3f} s wall, {args.segments} segments)"
    )
    print(f"{args.cameras} cameras at {args.mbps:g} Mbit/s: {share:.3f} % of one core (target <= 1 %)")


if __name__ == "__main__":
    main()
