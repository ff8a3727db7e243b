"""The recorder process: one camera's stream copied into fragmented-MP4 segments (PyAV, no encoding).

Forked by the recorder server (`--serve`, below) for recorder.Recorder, or run as a command of its own
(`python capture.py ...`: the devkit, the tests), with Home Assistant's own Python; never imported by the
integration: it imports nothing of it. Why not the ffmpeg command: a camera's RTCP
sender reports (its NTP clock against its RTP timestamps) reach only a program that links libavformat;
here `start_time_realtime`, set from the first sender report, is the camera's NTP time of pts 0.

The camera's timestamps are kept (B-frames and their reordering intact; H.265 tagged `hvc1`); each
segment starts on a video keyframe, at its pts 0, and the edit list that `delay_moov` allows keeps
presentation times exact. G.711 audio, which MP4 cannot hold, is converted to AAC (the video never is).

The stream URL comes on stdin (credentials stay out of the process list). One JSON line per finished
segment goes to stdout:
  "name": the file in the output folder, named by its UTC start;
  "start_us", "end_us": its span in UTC (keyframe to keyframe), by the camera's clock mapped with its
  sender reports ("time_source": "rtcp") once one came and that clock is within `--max-offset` of the
  server's, else by the arrival of the connection's earliest video packet ("arrival");
  "offset_us": the camera's NTP time minus the server's arrival time (null before a sender report).
A name is given when a segment opens and corrected when it is finished (the file is renamed). FFmpeg's
warnings and errors go to stderr. SIGINT or SIGTERM finishes the open segment and exits.

With `--probe` nothing is recorded: the stream's streams are printed as one JSON line, as ffprobe's
`-of json` has them. It is the probe of a pinned rtsps:// camera, whose certificate FFmpeg checks here
before the credentials go out (Debian's ffprobe 5.1 ignores the TLS options on RTSP).

The process ends with the one that started it (`--parent-pid`), even one killed with SIGKILL: it asks
the kernel for a SIGTERM when its parent dies (prctl's parent-death signal), from inside, so that no
other program (`setpriv`, absent from some containers) is needed.

With `--serve` it is the recorder server (stream_copy/fork_server.py): PyAV imported once, a recorder
process forked from it per camera on request over the control socket (`--control-fd`), each with the
arguments above and its own parent-death signal (the server's death ends it; the supervisor's ends the
server). A forked recorder process works in its camera's output folder (its identity for the supervisor's
sweep of recorders a killed Home Assistant left: its command line is the server's).

An RTSP camera's packets are read in batches (`--pace`, stream_copy/pacing.py).

Its parts are the package `stream_copy/` beside it: the segmenter (segments cut at keyframes, packets
interleaved), the camera's RTCP clock, the TLS pin check and the pacing. Run with `python -P`, this
file's folder is not on the import path (its neighbours are the integration's modules): that one folder
is loaded by path instead.
"""

from __future__ import annotations

import argparse
import ctypes
import importlib.util
import json
import os
import signal
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import av
import av.logging


def _load_parts() -> ModuleType:
    """The package `stream_copy/` beside this file, loaded by path (as `stream_copy`), once."""
    if (loaded := sys.modules.get("stream_copy")) is not None:
        return loaded
    folder = Path(__file__).resolve().with_name("stream_copy")
    spec = importlib.util.spec_from_file_location(
        "stream_copy", folder / "__init__.py", submodule_search_locations=[str(folder)]
    )
    assert spec is not None
    assert spec.loader is not None
    package = sys.modules["stream_copy"] = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(package)
    return package


_load_parts()
from stream_copy import fork_server, pacing, segmenter, tls_pin  # type: ignore[import-not-found]  # noqa: E402


def probe(url: str, args: argparse.Namespace) -> int:
    """Print the stream's streams as ffprobe's JSON has them (stream=codec_type,codec_name,width,height).

    The probe of a pinned rtsps:// camera: FFmpeg checks the pinned certificate on this connection.
    """
    with av.open(url, options=tls_pin.open_options(url, args)) as source:
        streams = []
        for stream in source.streams:
            context = stream.codec_context  # None for a data stream (ONVIF metadata)
            entry: dict[str, Any] = {"codec_type": stream.type, "codec_name": context and context.name}
            if isinstance(stream, av.VideoStream):
                entry |= {"width": stream.codec_context.width, "height": stream.codec_context.height}
            streams.append(entry)
    print(json.dumps({"streams": streams}), flush=True)
    return 0


def _stop(_signum: int, _frame: object) -> None:
    segmenter.request_stop()


def die_with_parent(parent_pid: int) -> bool:
    """Be sent SIGTERM when the parent dies, even by SIGKILL (Linux); False: it is gone already.

    The signal follows the parent *thread* that started this process: the supervisor starts the recorder
    server from Home Assistant's event loop (an asyncio subprocess), whose thread lives as long as Home
    Assistant; the server forks each recorder process from its only thread.
    A parent that died before the request was made is seen here: this process was handed to another
    (init or a subreaper), so its parent is no longer `parent_pid`.
    """
    pr_set_pdeathsig = 1
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(pr_set_pdeathsig, signal.SIGTERM, 0, 0, 0) != 0:
        err = ctypes.get_errno()
        raise OSError(err, os.strerror(err))
    return os.getppid() == parent_pid


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", help="folder/strftime pattern of the segment names")
    parser.add_argument(
        "--probe", action="store_true", help="print the stream's streams (JSON), record nothing"
    )
    parser.add_argument("--protocols", help="FFmpeg's protocol whitelist (required but with --serve)")
    parser.add_argument("--segment-seconds", type=float, default=10)
    parser.add_argument("--audio", choices=("copy", "aac", "none"), default="none")
    parser.add_argument("--max-offset", type=float, default=3600, help="seconds a camera's clock may be off")
    parser.add_argument(
        "--pace",
        type=float,
        default=pacing.PACE_SECONDS,
        help="seconds to sleep when nothing waits (0: never)",
    )
    parser.add_argument("--tls-ca", help="rtsps://: the pinned certificate (PEM), the only trust anchor")
    parser.add_argument("--tls-host", help="rtsps://: the name the pinned certificate is checked against")
    parser.add_argument("--parent-pid", type=int, help="the supervisor's: this process ends with it")
    parser.add_argument("--serve", action="store_true", help="be the recorder server (fork on request)")
    parser.add_argument("--control-fd", type=int, help="--serve: the control socket's descriptor")
    return parser


def main() -> int:
    """Record until the stream ends (exit 1 on an error, with FFmpeg's words on stderr) or a stop."""
    parser = _parser()
    args = parser.parse_args()
    if args.serve:
        if args.control_fd is None or args.parent_pid is None:
            parser.error("--serve needs --control-fd and --parent-pid")
        if not die_with_parent(args.parent_pid):
            print("the supervisor is gone", file=sys.stderr, flush=True)
            return 1
        return int(fork_server.serve(args.control_fd, forked))
    if not args.protocols:
        parser.error("--protocols is required")
    if not args.probe and not args.output:
        parser.error("--output is required")
    return _record(args, None, args.parent_pid)


def forked(argv: list[str], url: str, parent_pid: int) -> int:
    """A recorder process forked by the server: as the command `argv` would run, the URL given."""
    args = _parser().parse_args(argv)
    if not args.protocols or not args.output:
        print("--protocols and --output are required", file=sys.stderr, flush=True)
        return 1
    # Its camera's output folder, by which the supervisor knows it (its command line is the server's).
    output = Path(args.output).absolute()
    args.output = str(output)
    args.tls_ca = args.tls_ca and str(Path(args.tls_ca).absolute())
    os.chdir(output.parent)
    return _record(args, url, parent_pid)


def _record(args: argparse.Namespace, url: str | None, parent_pid: int | None) -> int:
    """Record (or probe) the URL, or the one that comes on stdin."""
    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    if parent_pid is not None and not die_with_parent(parent_pid):
        print("the supervisor is gone", file=sys.stderr, flush=True)
        return 1
    if url is None:
        url = sys.stdin.readline().strip()
    av.logging.restore_default_callback()
    av.logging.set_libav_level(av.logging.WARNING)
    try:
        return int(probe(url, args) if args.probe else segmenter.Segmenter(url, args).run())
    except av.FFmpegError as err:
        # Its filename is the URL: never printed (FFmpeg's own lines above say what failed).
        print(f"{type(err).__name__}: {err.strerror}", file=sys.stderr, flush=True)
        return 1


if __name__ == "__main__":
    sys.exit(main())
