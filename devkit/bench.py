"""Benchmarks that print figures and ratios (never assertions): `scripts/bench recording`.

recording: CPU, peak RSS and PSS (proportional memory: shared pages divided among their processes) of
Doorbell Vault's recorder (its recorder processes + the Python that supervises and indexes them) for
one and four simulated doorbells, and for sixteen pre-encoded ones at 2 Mbit/s (the simulator's cheap
mode, so the cameras themselves cost almost nothing), against bare `ffmpeg -c copy` of the same
streams for the same time, and against one process recording every camera; the Python CPU per
camera-hour and whether its and the recorders' RSS stay flat (RSS once the first segment is written and
at the end); then p50/p99 of the segment window query over millions of synthetic segments.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import resource
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from custom_components.doorbell_vault.recording import recorder_server
from custom_components.doorbell_vault.recording.camera_config import CameraConfig
from custom_components.doorbell_vault.recording.recorder import Recorder
from custom_components.doorbell_vault.recording.recorder_process import SEGMENT_SECONDS, build_command
from custom_components.doorbell_vault.store import Store, segments
from devkit import bench_export, simulator


def _cpu_seconds(pid: int) -> float:
    """Time on a CPU in nanoseconds from schedstat (/proc/<pid>/stat counts 10 ms ticks: too coarse), of
    each of the process's threads (a process's own schedstat is its first thread's)."""
    tasks = Path(f"/proc/{pid}/task").iterdir()
    return sum(int(Path(task, "schedstat").read_text().split()[0]) for task in tasks) / 1e9


def _status_kb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    return 0


def _peak_rss_kb(pid: int) -> int:
    return _status_kb(pid, "VmHWM")


def _pss_kb(pid: int) -> int:
    """Proportional memory now: private pages, plus each shared page divided among its processes.

    RSS counts a library that sixteen processes share sixteen times; PSS counts it once in all.
    """
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _rss_kb(pid: int) -> int:
    """Resident memory now (VmRSS), of a process that may have ended (0)."""
    try:
        return _status_kb(pid, "VmRSS")
    except OSError:
        return 0


@dataclass
class Usage:
    cpu_s: float
    rss_mb: float
    steady_cpu_s: float = 0.0  # from the warm-up to the end: what a recorder costs hour after hour
    pss_mb: float = 0.0  # at the end, all the processes running (PSS depends on who shares a page)
    count: int = 0

    def memory(self) -> str:
        """RSS and PSS, in all and per process."""
        each = max(self.count, 1)
        return (
            f"{self.rss_mb:.0f} MB RSS ({self.rss_mb / each:.1f} per process), "
            f"{self.pss_mb:.0f} MB PSS ({self.pss_mb / each:.1f} per process)"
        )


def _warm_up(seconds: float) -> float:
    """Seconds from the start to the steady state: once the first segment is written, at most 15 s in."""
    return min(SEGMENT_SECONDS + 5, seconds / 3)


@dataclass
class Sample:
    cpu: dict[int, float]
    steady: dict[int, float]
    rss: dict[int, int]
    pss: dict[int, int]

    def usage(self) -> Usage:
        return Usage(
            sum(self.cpu.values()),
            sum(self.rss.values()) / 1024,
            sum(self.steady.values()),
            sum(self.pss.values()) / 1024,
            len(self.cpu),
        )


async def _sample(pids: list[int], seconds: float, warm_up: float = 0) -> Sample:
    """CPU seconds since the start and since `warm_up` seconds in (the steady state), peak RSS and PSS of
    each process, read just before the end of `seconds` (children stay alive)."""
    await asyncio.sleep(warm_up)
    before = {pid: _cpu_seconds(pid) for pid in pids}
    await asyncio.sleep(seconds - warm_up)
    cpu = {pid: _cpu_seconds(pid) for pid in pids}
    return Sample(
        cpu,
        {pid: cpu[pid] - before[pid] for pid in pids},
        {pid: _peak_rss_kb(pid) for pid in pids},
        {pid: _pss_kb(pid) for pid in pids},
    )


def plain_copy(url: str, out: Path) -> list[str]:
    """What a person would type: stream copy into segments, nothing else."""
    return [
        "ffmpeg", "-nostdin", "-v", "error", "-rtsp_transport", "tcp", "-i", url,
        "-map", "0", "-c", "copy", "-f", "segment", "-segment_time", str(SEGMENT_SECONDS),
        "-segment_format_options", "movflags=+frag_keyframe+empty_moov+default_base_moof",
        "-reset_timestamps", "1", str(out / "%05d.mp4"),
    ]  # fmt: skip


def pyav_per_packet(_url: str, out: Path) -> list[str]:
    """PyAV read packet by packet: demux and mux into one file, no logic, no batches (URL on stdin)."""
    return [sys.executable, str(Path(__file__).with_name("pyav_per_packet.py")), str(out / "copy.mp4")]


def same_command(url: str, out: Path) -> list[str]:
    """The recorder's own process (capture.py: PyAV, RTCP clock), unsupervised; the URL goes on stdin."""
    return build_command(sys.executable, url, out, "aac", record_audio=True)


def one_process(_url: str, out: Path) -> list[str]:
    """Every camera in one recorder process (devkit/recorder_one_process.py; the URLs on stdin)."""
    return [sys.executable, "-m", "devkit.recorder_one_process", str(out)]


def forked(_url: str, out: Path) -> list[str]:
    """A recorder process per camera, forked from one that imported PyAV (the URLs on stdin)."""
    return [sys.executable, "-m", "devkit.recorder_one_process", "--fork", str(out)]


def _children(pid: int) -> list[int]:
    try:
        return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


async def bare(
    urls: list[str],
    seconds: float,
    folder: Path,
    command: Callable[[str, Path], list[str]],
    *,
    together: bool = False,
) -> Usage:
    """Each URL recorded by `command`'s process; `together`: one process for all (the URLs on stdin)."""
    processes = []
    for index, url in enumerate(urls[:1] if together else urls):
        out = folder / f"bare{index}"
        out.mkdir()
        process = await asyncio.create_subprocess_exec(
            *command(url, out), stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.DEVNULL
        )
        assert process.stdin is not None
        # The recorder process reads it; ffmpeg ignores it.
        process.stdin.write("".join(f"{u}\n" for u in (urls if together else [url])).encode())
        process.stdin.close()
        processes.append(process)
    pids = [p.pid for p in processes]
    if together:
        await asyncio.sleep(2)  # a forked recorder process per camera, if any, is there by now
        pids += [child for pid in pids for child in _children(pid)]
    sample = await _sample(
        pids, seconds - 2 if together else seconds, _warm_up(seconds) - 2 if together else _warm_up(seconds)
    )
    for process in processes:
        process.terminate()
        await process.wait()
    return sample.usage()


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


async def ours(urls: list[str], seconds: float, folder: Path) -> tuple[Usage, Usage, int]:
    store = Store(folder / "index.db")
    await store.async_open()
    recorders = []
    for index, url in enumerate(urls):
        camera = CameraConfig(id=f"cam{index}", name=f"Camera {index}", url=url, audio_codec="aac")
        recorder = Recorder(camera, folder, store, "ffprobe")
        recorder.start()
        recorders.append(recorder)
    python_before = time.process_time()
    # RSS "at the start": once the first segment is written (its muxer's buffers exist).
    warm_up = _warm_up(seconds)
    await asyncio.sleep(warm_up)
    rss_start = _rss_mb()
    started = [(r, r.pid) for r in recorders if r.pid]
    pids = [pid for _, pid in started]
    recorder_rss_start = [_rss_kb(pid) / 1024 for pid in pids]
    python_steady_before = time.process_time()
    # The recorder server that forked them counts too (it holds the pages they share).
    server = recorder_server.server_pid()
    sample = await _sample(pids + ([server] if server else []), seconds - warm_up)
    python_steady = time.process_time() - python_steady_before
    recorder_rss_end = [_rss_kb(pid) / 1024 for pid in pids]
    python_cpu = time.process_time() - python_before
    python_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"      Python RSS {rss_start:.1f} MB after {warm_up:.0f} s, {_rss_mb():.1f} MB at the end")
    if pids:
        print(
            f"      recorder RSS per camera after {warm_up:.0f} s: "
            f"{statistics.mean(recorder_rss_start):.1f} MB mean, {max(recorder_rss_start):.1f} max; "
            f"at the end ({seconds:.0f} s): {statistics.mean(recorder_rss_end):.1f} MB mean, "
            f"{max(recorder_rss_end):.1f} max ({len(pids)} recorders, same processes throughout: "
            f"{all(r.pid == pid for r, pid in started)})"
        )
    for recorder in recorders:
        await recorder.stop()
    count = (await store.async_call(segments.stats)).segments
    await store.async_close()
    return sample.usage(), Usage(python_cpu, python_rss, python_steady), count


def window_query(rows: int, queries: int, folder: Path) -> tuple[float, float]:
    store = Store(folder / "big.db")
    asyncio.run(store.async_open())
    connection = sqlite3.connect(folder / "big.db")
    cameras = 4
    start = 1_700_000_000_000_000
    segment_us = SEGMENT_SECONDS * 1_000_000
    batch = []
    for i in range(rows):
        camera = i % cameras
        begin = start + (i // cameras) * segment_us
        batch.append((f"cam{camera}", begin, begin + segment_us, 3_000_000, f"cam{camera}/{i}.mp4"))
        if len(batch) == 100_000:
            connection.executemany(
                "INSERT INTO segments (camera, start_us, end_us, bytes, path) VALUES (?, ?, ?, ?, ?)",
                batch,
            )
            batch.clear()
    if batch:
        connection.executemany(
            "INSERT INTO segments (camera, start_us, end_us, bytes, path) VALUES (?, ?, ?, ?, ?)", batch
        )
    connection.commit()
    connection.close()
    end = start + (rows // cameras) * segment_us
    timings = []

    def run(db: sqlite3.Connection) -> None:
        segments.forget(db)
        for _ in range(queries):
            camera = f"cam{random.randrange(cameras)}"  # noqa: S311
            # A window anywhere in the recording (from its start when it is shorter than an hour).
            begin = random.randrange(start, max(start + 1, end - 3_600_000_000))  # noqa: S311
            t0 = time.perf_counter_ns()
            segments.in_window(db, camera, begin, begin + 3_600_000_000)
            timings.append((time.perf_counter_ns() - t0) / 1e6)

    asyncio.run(store.async_call(run))
    asyncio.run(store.async_close())
    timings.sort()
    return statistics.median(timings), timings[int(len(timings) * 0.99) - 1]


async def _compare(doorbells: list[simulator.SimulatedDoorbell], seconds: float) -> None:
    count = len(doorbells)
    urls = [d.url for d in doorbells]
    with tempfile.TemporaryDirectory() as tmp:
        base = await bare(urls, seconds, Path(tmp), plain_copy)
    with tempfile.TemporaryDirectory() as tmp:
        same = await bare(urls, seconds, Path(tmp), same_command)
    with tempfile.TemporaryDirectory() as tmp:
        per_packet = await bare(urls, seconds, Path(tmp), pyav_per_packet)
    with tempfile.TemporaryDirectory() as tmp:
        together = await bare(urls, seconds, Path(tmp), one_process, together=True)
    with tempfile.TemporaryDirectory() as tmp:
        zygote = await bare(urls, seconds, Path(tmp), forked, together=True)
    with tempfile.TemporaryDirectory() as tmp:
        ffmpeg_usage, python_usage, segments_made = await ours(urls, seconds, Path(tmp))
    total = ffmpeg_usage.cpu_s + python_usage.cpu_s
    steady = ffmpeg_usage.steady_cpu_s + python_usage.steady_cpu_s
    warm_up = _warm_up(seconds)

    def over(cpu: float, reference: float) -> str:
        return f"{100 * (cpu / reference - 1):+.1f} %"

    # The steady state (from the warm-up to the end) leaves the start-ups out (a recorder process imports
    # PyAV once, about 0.07 CPU-s with compiled bytecode; ffmpeg starts in 0.04): a running house.
    print(
        f"  {count} camera(s), {seconds:.0f} s: bare ffmpeg {base.cpu_s:.3f} CPU-s "
        f"(steady state {base.steady_cpu_s:.3f} over {seconds - warm_up:.0f} s after {warm_up:.0f} s), "
        f"{base.memory()} | {segments_made} segments"
    )
    print(
        f"      the recorder processes (PyAV, the camera's RTCP clock, read in batches): supervised "
        f"{ffmpeg_usage.cpu_s:.3f} CPU-s ({over(ffmpeg_usage.cpu_s, base.cpu_s)}), unsupervised "
        f"{same.cpu_s:.3f} ({over(same.cpu_s, base.cpu_s)}) over bare ffmpeg, target <= +5 %; steady "
        f"state {over(ffmpeg_usage.steady_cpu_s, base.steady_cpu_s)} and "
        f"{over(same.steady_cpu_s, base.steady_cpu_s)}"
    )
    print(
        f"      memory of the recorder processes: supervised (forked by the recorder server, which is "
        f"counted too) {ffmpeg_usage.memory()}; unsupervised (exec'd, one per camera) "
        f"{same.memory()}; PSS against bare ffmpeg's {ffmpeg_usage.pss_mb / base.pss_mb:.2f}x and "
        f"{same.pss_mb / base.pss_mb:.2f}x (RSS {ffmpeg_usage.rss_mb / base.rss_mb:.2f}x and "
        f"{same.rss_mb / base.rss_mb:.2f}x), target PSS <= 1.0x"
    )
    print(
        f"      one process for all {count} camera(s) (devkit/recorder_one_process.py, a thread each, "
        f"read as packets come): {together.pss_mb:.0f} MB PSS ({together.pss_mb / base.pss_mb:.2f}x), "
        f"{together.rss_mb:.0f} MB RSS; steady state {together.steady_cpu_s:.3f} CPU-s "
        f"({over(together.steady_cpu_s, base.steady_cpu_s)})"
    )
    print(
        f"      a recorder process per camera forked from one that imported PyAV (--fork): "
        f"{zygote.pss_mb:.0f} MB PSS ({zygote.pss_mb / base.pss_mb:.2f}x, {zygote.count} processes), "
        f"{zygote.rss_mb:.0f} MB RSS; steady state {zygote.steady_cpu_s:.3f} CPU-s "
        f"({over(zygote.steady_cpu_s, base.steady_cpu_s)})"
    )
    print(
        f"      with the supervising Python (indexing, hashing): {total:.3f} CPU-s "
        f"({over(total, base.cpu_s)}), steady state {steady:.3f} ({over(steady, base.steady_cpu_s)}); "
        f"Python {python_usage.cpu_s / (count * seconds / 3600):.2f} CPU-s per camera-hour, "
        f"{python_usage.rss_mb:.0f} MB"
    )
    print(
        f"      PyAV read packet by packet (devkit/pyav_per_packet.py: demux and mux, no logic, no "
        f"batches): steady state {per_packet.steady_cpu_s:.3f} CPU-s "
        f"({over(per_packet.steady_cpu_s, base.steady_cpu_s)})"
    )


async def recording(seconds: float, rows: int, counts: list[int]) -> None:
    print(f"Recording benchmark: {seconds:.0f} s per run, segments of {SEGMENT_SECONDS} s")
    live = [c for c in counts if c <= 4]
    doorbells = [simulator.start() for _ in range(max(live, default=0))]
    try:
        await asyncio.sleep(2)
        for count in live:
            await _compare(doorbells[:count], seconds)
    finally:
        for doorbell in doorbells:
            doorbell.stop()
    for count in (c for c in counts if c > 4):
        # Many cameras at 2 Mbit/s: pre-encoded loops, so that two cores can serve them.
        doorbells = [simulator.start(cheap=True, bitrate=2000, audio="aac") for _ in range(count)]
        try:
            await asyncio.sleep(2)
            await _compare(doorbells, seconds)
        finally:
            for doorbell in doorbells:
                doorbell.stop()
    with tempfile.TemporaryDirectory() as tmp:
        print(f"Window query over {rows:,} segments (1 h windows, 4 cameras):")
        p50, p99 = await asyncio.to_thread(window_query, rows, 2000, Path(tmp))
        print(f"  p50 {p50:.3f} ms, p99 {p99:.3f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="what", required=True)
    rec = sub.add_parser("recording")
    rec.add_argument("--seconds", type=float, default=30)
    rec.add_argument("--rows", type=int, default=3_000_000)
    rec.add_argument("--cameras", default="1,4,16", help="camera counts; above 4 they are pre-encoded")
    window = sub.add_parser("window", help="only the window query")
    window.add_argument("--rows", type=int, default=3_000_000)
    if sys.argv[1:2] == ["export"]:
        sys.argv.pop(1)
        bench_export.main()
        return
    args = parser.parse_args()
    if args.what == "recording":
        asyncio.run(recording(args.seconds, args.rows, [int(c) for c in args.cameras.split(",")]))
    else:
        with tempfile.TemporaryDirectory() as tmp:
            p50, p99 = window_query(args.rows, 2000, Path(tmp))
        print(f"Window query over {args.rows:,} segments: p50 {p50:.3f} ms, p99 {p99:.3f} ms")


if __name__ == "__main__":
    main()
