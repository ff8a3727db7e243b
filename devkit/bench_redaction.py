"""`scripts/bench redaction`: redacting a 60 s 1080p25 clip against the floor, ffmpeg's own re-encode.

The clip is the simulator's own encoding (`devkit.simulator.write_clip`: SMPTE bars, two copies of the
test face at 2x and the whole NASA portrait drawn over them, x264 as the simulated camera sends it), made
once and kept in the cache. The floor is `ffmpeg -c:v libx264 -preset veryfast` of it (no sound), the
least any re-encode costs; then `redaction.engine.redact` with masks only and with masks plus faces,
each in a process of its own, in turn (floor, masks, faces, floor, ...) so that a machine whose speed
drifts affects all three alike. Prints each run's wall and CPU seconds (the process and its children,
the face detector included) and the median ratios to the floor. Figures only; no pass/fail
(targets: masks <= 1.3x, masks + faces <= 1.5x).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from devkit import simulator

CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "doorbell-vault" / "bench"
FACE = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "face.png"
# The whole NASA portrait (public domain) when scikit-image's data is at hand; the face alone otherwise.
PORTRAIT = Path(os.environ.get("DOORBELL_VAULT_PORTRAIT", "/tmp/whl/ski/skimage/data/astronaut.png"))  # noqa: S108
MASKS = {
    "regions": [
        {"id": "street", "shape": "rect", "points": [[0.0, 0.0], [1.0, 0.22]], "action": "blur"},
        {
            "id": "window",
            "shape": "polygon",
            "points": [[0.05, 0.25], [0.25, 0.3], [0.22, 0.62], [0.04, 0.6]],
        },
        {"id": "plate", "shape": "rect", "points": [[0.6, 0.85], [0.8, 0.95]], "action": "black"},
    ],
    "clear": [{"id": "door", "shape": "rect", "points": [[0.35, 0.4], [0.65, 1.0]]}],
}


def bench_clip(seconds: int) -> Path:
    """The 1080p25 clip (made once, cached)."""
    import av

    CACHE.mkdir(parents=True, exist_ok=True)
    target = CACHE / f"redaction-{seconds}s-1080p25.mp4"
    if target.exists():
        return target
    with tempfile.TemporaryDirectory(dir=CACHE) as scratch:
        big_face = Path(scratch) / "face2x.png"
        face = next(av.open(str(FACE)).decode(video=0))
        face.reformat(face.width * 2, face.height * 2, interpolation="BICUBIC").save(str(big_face))
        overlays = [(100, 300, big_face), (1400, 300, big_face)]
        if PORTRAIT.exists():
            overlays.append((700, 500, PORTRAIT))
        partial = Path(scratch) / "clip.mp4"
        print(f"making the {seconds} s 1080p25 clip once (cached in {CACHE}) ...", flush=True)
        simulator.write_clip(partial, seconds=seconds, pattern="smpte", overlays=overlays, timeout=1800)
        partial.replace(target)
    return target


def run_redaction(mode: str, source: Path, dest: Path) -> None:
    """One redaction, timed here: Home Assistant has the integration imported already, so Python's start
    and the imports are left out; the detector's process (start included) is counted."""
    from custom_components.doorbell_vault.redaction.engine import redact
    from custom_components.doorbell_vault.redaction.plan import Plan
    from custom_components.doorbell_vault.redaction.regions import masks_from_json

    masks = masks_from_json(MASKS)
    plan = Plan(mode, regions=masks.regions, clear=masks.clear)  # type: ignore[arg-type]
    before = [resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
    started = time.perf_counter()
    result = redact(source, dest, plan)
    wall = time.perf_counter() - started
    after = [resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
    cpu = sum(a.ru_utime - b.ru_utime + a.ru_stime - b.ru_stime for a, b in zip(after, before, strict=True))
    said = {"frames": result.frames, "faces": result.faces, "detected_ranges": len(result.detected_frames)}
    print(json.dumps({"wall": wall, "cpu": cpu, **said}))


def timed(command: list[str]) -> tuple[float, float, str]:
    """Wall and CPU seconds (the command and every child it waited for) and its last output line.

    A redaction run reports its own figures (the redaction, its detector process included, without
    Python's start and the imports); ffmpeg is timed whole.
    """
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{command[0]} failed: {done.stderr[-500:]}")
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    said = (done.stdout.strip().splitlines() or [""])[-1]
    if said.startswith("{"):
        own = json.loads(said)
        wall, cpu = own.pop("wall"), own.pop("cpu")
        said = json.dumps(own)
    return wall, cpu, said


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--run", choices=("masks", "masks_faces"), help=argparse.SUPPRESS)
    parser.add_argument("--source", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--dest", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run:
        run_redaction(args.run, args.source, args.dest)
        return
    clip = bench_clip(args.seconds)
    floor = ["ffmpeg", "-v", "error", "-y", "-i", str(clip), "-an", "-c:v", "libx264", "-preset", "veryfast"]
    redaction = [sys.executable, "-m", "devkit.bench_redaction", "--source", str(clip), "--run"]
    commands: dict[str, list[str]] = {
        "floor": floor,
        "masks": [*redaction, "masks", "--dest"],
        "masks_faces": [*redaction, "masks_faces", "--dest"],
    }
    figures: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
    size = clip.stat().st_size / 1e6
    print(f"clip: {clip} ({size:.1f} MB), {os.cpu_count()} cores, load {os.getloadavg()[0]:.2f}")
    with tempfile.TemporaryDirectory() as scratch:
        for round_ in range(1, args.repeat + 1):
            for name, command in commands.items():
                wall, cpu, said = timed([*command, str(Path(scratch) / f"{name}.mp4")])
                figures[name].append((wall, cpu))
                print(f"round {round_} {name:12} {wall:7.2f} s wall {cpu:7.2f} s CPU  {said}", flush=True)
    floor_wall = statistics.median(w for w, _ in figures["floor"])
    floor_cpu = statistics.median(c for _, c in figures["floor"])
    targets = {"masks": 1.3, "masks_faces": 1.5}
    print(f"floor (ffmpeg -c:v libx264 -preset veryfast): {floor_wall:.2f} s wall, {floor_cpu:.2f} s CPU")
    for name, target in targets.items():
        wall = statistics.median(w for w, _ in figures[name])
        cpu = statistics.median(c for _, c in figures[name])
        print(
            f"{name:12} {wall:7.2f} s wall = {wall / floor_wall:.2f}x the floor "
            f"({cpu:.2f} s CPU = {cpu / floor_cpu:.2f}x); target <= {target}x"
        )
    print(f"load average now {os.getloadavg()[0]:.2f} (a shared machine makes wall figures noisy)")


if __name__ == "__main__":
    main()
