"""A simulated doorbell: a real RTSP server (GStreamer gst-rtsp-server) on loopback.

Runs under Debian's /usr/bin/python3 with python3-gi, never inside the project's virtual environment.
Prints one JSON line {"url": ..., "port": ...} on stdout once it accepts connections, then serves
until SIGTERM/SIGINT. Start it through devkit.simulator, which the tests and scripts share.

Two modes:
- live (default): every frame is encoded as it is served (x264/x265, AAC or G.711);
- `--cheap`: a few seconds are encoded once (kept in a cache folder) and served in a loop with
  continuous timestamps, with no encoding at all, so that many cameras run on two cores.
`--ntp-offset S` makes its RTCP sender reports carry a clock S seconds off true time; `--no-rtcp` sends
none (a camera whose footage can only be timed by its arrival).
`--codec none` serves audio alone (an intercom without a camera: probing it says `no_video`).
Once the media plays, a second JSON line {"epoch": ...} gives the wall-clock time (Unix seconds) of
the stream's running time 0: the frame whose timestamp is t leaves the server at epoch + t.
With `--tls-cert/--tls-key` (PEM files) it serves RTSPS (RTSP over TLS, `rtsps://`) with that certificate.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import signal
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import gi

gi.require_version("Gio", "2.0")
gi.require_version("Gst", "1.0")
gi.require_version("GstApp", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import Gio, GLib, GObject, Gst, GstApp, GstRtspServer  # noqa: E402

# The loopers of the (shared) media being served.
FEEDING: list[Looper] = []
AUDIO_RATE = {"aac": 16000, "pcma": 8000, "pcmu": 8000}


def video_encoder(args: argparse.Namespace) -> str:
    """Encoder and parser: constant bit rate, fixed GOP, optional B-frames."""
    gop = max(1, round(args.fps * args.gop_seconds))
    if args.codec == "h265":
        options = f"bframes={args.bframes}:keyint={gop}:min-keyint={gop}:scenecut=0:repeat-headers=1"
        tune = "" if args.bframes else "tune=zerolatency "
        return (
            f"x265enc speed-preset=ultrafast {tune}bitrate={args.bitrate} key-int-max={gop} "
            f'option-string="{options}" ! video/x-h265,profile=main'
        )
    if args.bframes:
        # zerolatency and the ultrafast preset both turn B-frames off.
        return (
            f"x264enc speed-preset=superfast bitrate={args.bitrate} key-int-max={gop} "
            f'bframes={args.bframes} b-adapt=false option-string="scenecut=0:min-keyint={gop}" '
            "! video/x-h264,profile=high"
        )
    return (
        f"x264enc tune=zerolatency speed-preset=ultrafast bitrate={args.bitrate} "
        f'key-int-max={gop} bframes=0 option-string="filler=1:nal-hrd=cbr:scenecut=0" '
        "! video/x-h264,profile=baseline"
    )


def parser(args: argparse.Namespace) -> str:
    return "h265parse" if args.codec == "h265" else "h264parse"


def audio_encoder(audio: str) -> str:
    """Raw test audio to the camera's codec."""
    if audio == "aac":
        return "audio/x-raw,rate=16000,channels=1 ! audioconvert ! voaacenc bitrate=32000 ! aacparse"
    encoder = "alawenc" if audio == "pcma" else "mulawenc"
    return f"audio/x-raw,rate=8000,channels=1 ! audioconvert ! {encoder}"


def payloaders(args: argparse.Namespace) -> tuple[str, str]:
    """Video and audio payloaders ("" for a stream the camera lacks); gst-rtsp-server counts pay0, pay1."""
    video = "rtph265pay" if args.codec == "h265" else "rtph264pay"
    audio = {"aac": "rtpmp4gpay pt=97", "pcma": "rtppcmapay pt=8", "pcmu": "rtppcmupay pt=0"}.get(
        args.audio, ""
    )
    if args.codec == "none":
        return "", f"{audio} name=pay0"
    return f"{video} name=pay0 pt=96 config-interval=1", f"{audio} name=pay1" if audio else ""


def overlays(args: argparse.Namespace) -> str:
    """An image (a PNG: a face, a figure) drawn over the test pattern at X,Y, for each `--overlay`."""
    out = ""
    for n, spec in enumerate(args.overlay):
        x, y, path = spec.split(",", 2)
        out += f' ! gdkpixbufoverlay name=overlay{n} location="{path}" offset-x={int(x)} offset-y={int(y)}'
    return out


def move_overlays(pipeline: Gst.Element, args: argparse.Namespace) -> None:
    """`--overlay-speed`: each image moves right by that many pixels a second (a figure walking past)."""
    if not args.overlay_speed:
        return
    for n, spec in enumerate(args.overlay):
        element = pipeline.get_by_name(f"overlay{n}")
        start = int(spec.split(",", 1)[0])

        def place(
            _pad: Gst.Pad, info: Gst.PadProbeInfo, element: Gst.Element = element, start: int = start
        ) -> int:
            seconds = info.get_buffer().pts / Gst.SECOND
            element.set_property("offset-x", start + round(args.overlay_speed * seconds))
            return Gst.PadProbeReturn.OK

        element.get_static_pad("sink").add_probe(Gst.PadProbeType.BUFFER, place)


def raw_video(args: argparse.Namespace, live: bool) -> str:
    live_flag = "is-live=true" if live else f"num-buffers={round(args.fps * args.clip_seconds)}"
    return (
        f"videotestsrc {live_flag} pattern={args.pattern} "
        f"! video/x-raw,format=I420,width={args.width},height={args.height},framerate={args.fps}/1"
        f"{overlays(args)}"
    )


def raw_audio(args: argparse.Namespace, live: bool) -> str:
    rate = AUDIO_RATE[args.audio]
    if live:
        return "audiotestsrc is-live=true wave=ticks volume=0.3"
    # 20 ms buffers (G.711 as cameras send it) covering the clip; the loop trims what runs over.
    per_buffer = rate // 50
    samples = round(rate * args.clip_seconds)
    buffers = -(-samples // per_buffer)
    return f"audiotestsrc wave=ticks volume=0.3 samplesperbuffer={per_buffer} num-buffers={buffers}"


def build_launch(args: argparse.Namespace) -> str:
    """The live pipeline: encode every frame as it is served."""
    video_pay, audio_pay = payloaders(args)
    video = f"{raw_video(args, live=True)} ! {video_encoder(args)} ! {video_pay}" if video_pay else ""
    audio = f"{raw_audio(args, live=True)} ! {audio_encoder(args.audio)} ! {audio_pay}" if audio_pay else ""
    return f"( {video} {audio} )"


# Cheap mode --------------------------------------------------------------------------------------


@dataclass
class Clip:
    """Pre-encoded access units: (pts, dts, duration, delta unit, bytes) per stream, and their caps."""

    video: list[tuple[int, int, int, bool, bytes]]
    video_caps: Gst.Caps
    audio: list[tuple[int, int, int, bool, bytes]]
    audio_caps: Gst.Caps | None
    duration: int


def pre_encode(args: argparse.Namespace) -> Path:
    """Encode the loop once into a QuickTime file kept in the cache (shared by every simulator)."""
    settings = ("codec", "bframes", "fps", "width", "height", "audio", "gop_seconds", "bitrate")
    key = json.dumps([getattr(args, name) for name in (*settings, "clip_seconds", "pattern")])
    if args.overlay:
        key += json.dumps(args.overlay)
    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "doorbell-vault" / "simulator"
    cache.mkdir(parents=True, exist_ok=True)
    target = cache / f"{hashlib.sha256(key.encode()).hexdigest()[:16]}.mov"
    if target.exists():
        return target
    handle, temporary = tempfile.mkstemp(dir=cache, suffix=".mov")
    os.close(handle)
    encode_file(args, Path(temporary))
    Path(temporary).replace(target)
    return target


def encode_file(args: argparse.Namespace, temporary: Path, mux: str = "qtmux") -> None:
    """The camera's encoding of `--clip-seconds` of its picture (and sound), written to a file."""
    audio = ""
    if args.audio != "none":
        audio = f"{raw_audio(args, live=False)} ! {audio_encoder(args.audio)} ! mux. "
    launch = (
        f"{mux} name=mux ! filesink location={temporary} "
        f"{raw_video(args, live=False)} ! {video_encoder(args)} ! {parser(args)} ! mux. {audio}"
    )
    pipeline = Gst.parse_launch(launch)
    move_overlays(pipeline, args)
    pipeline.set_state(Gst.State.PLAYING)
    message = pipeline.get_bus().timed_pop_filtered(
        Gst.CLOCK_TIME_NONE, Gst.MessageType.EOS | Gst.MessageType.ERROR
    )
    pipeline.set_state(Gst.State.NULL)
    if message.type == Gst.MessageType.ERROR:
        temporary.unlink()
        raise RuntimeError(f"pre-encoding failed: {message.parse_error()[0].message}")


def load_clip(path: Path, args: argparse.Namespace) -> Clip:
    """Read the pre-encoded file's access units into memory, in decode order."""
    parse = parser(args)
    stream = "video/x-h265" if args.codec == "h265" else "video/x-h264"
    launch = (
        f"filesrc location={path} ! qtdemux name=d "
        f"d.video_0 ! queue ! {parse} config-interval=-1 ! {stream},stream-format=byte-stream,alignment=au "
        "! appsink name=video sync=false"
    )
    if args.audio != "none":
        launch += " d.audio_0 ! queue ! appsink name=audio sync=false"
    pipeline = Gst.parse_launch(launch)
    sinks = {name: pipeline.get_by_name(name) for name in ("video", "audio")}
    units: dict[str, list[tuple[int, int, int, bool, bytes]]] = {"video": [], "audio": []}
    caps: dict[str, Gst.Caps | None] = {"video": None, "audio": None}

    def pull(name: str) -> None:
        sink = sinks[name]
        while True:
            sample = sink.emit("pull-sample")
            if sample is None:
                return
            caps[name] = caps[name] or sample.get_caps()
            buffer = sample.get_buffer()
            _ok, info = buffer.map(Gst.MapFlags.READ)
            data = bytes(info.data)
            buffer.unmap(info)
            dts = buffer.dts if buffer.dts != Gst.CLOCK_TIME_NONE else buffer.pts
            delta = bool(buffer.get_flags() & Gst.BufferFlags.DELTA_UNIT)
            units[name].append((buffer.pts, dts, buffer.duration, delta, data))

    threads = [threading.Thread(target=pull, args=(n,)) for n in sinks if sinks[n] is not None]
    pipeline.set_state(Gst.State.PLAYING)
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    pipeline.set_state(Gst.State.NULL)
    frames = len(units["video"])
    assert caps["video"] is not None
    return Clip(
        units["video"], caps["video"], units["audio"], caps["audio"], round(frames * Gst.SECOND / args.fps)
    )


class Looper:
    """Feeds one appsrc with a stream of the clip, again and again, timestamps running on."""

    def __init__(
        self, appsrc: GstApp.AppSrc, units: list[tuple[int, int, int, bool, bytes]], period: int, trim: bool
    ):
        self.appsrc = appsrc
        # Audio must not run over into the next round of the loop (its timestamps would go backwards);
        # video holds whole GOPs.
        if trim:
            units = [u for u in units if u[0] + max(u[2], 0) <= period + 1_000_000] or units[:1]
        self.units = units
        self.period = period
        # Shift so that the first decode timestamp is 0 (B-frames give the first frames dts < pts).
        self.shift = -min(*(u[1] for u in units), 0)
        self.index = 0
        self.loop = 0
        appsrc.connect("need-data", self.need_data)

    def need_data(self, appsrc: GstApp.AppSrc, _length: int) -> None:
        for _ in range(8):
            pts, dts, duration, delta, data = self.units[self.index]
            buffer = Gst.Buffer.new_wrapped(data)
            offset = self.loop * self.period + self.shift
            buffer.pts = pts + offset
            buffer.dts = dts + offset
            buffer.duration = duration
            if delta:
                buffer.set_flags(Gst.BufferFlags.DELTA_UNIT)
            self.index += 1
            if self.index == len(self.units):
                self.index = 0
                self.loop += 1
            if appsrc.push_buffer(buffer) != Gst.FlowReturn.OK:
                return


def cheap_launch(args: argparse.Namespace) -> str:
    video_pay, audio_pay = payloaders(args)
    parse = parser(args)
    source = "appsrc format=time block=false max-bytes=2000000"
    video = f"{source} name=vsrc ! {parse} config-interval=-1 ! {video_pay}"
    audio = f"{source} name=asrc ! {audio_pay}" if audio_pay else ""
    return f"( {video} {audio} )"


# Server -------------------------------------------------------------------------------------------


# Seconds from 1900 (NTP's era) to 1970 (Unix's).
NTP_UNIX_OFFSET = 2_208_988_800


def shift_ntp_clock(media: GstRtspServer.RTSPMedia, seconds: float) -> None:
    """Make the sender reports carry a camera clock `seconds` off true time (the pace stays true).

    The media runs on its own wall clock, calibrated to NTP's era plus the shift, and its RTP sessions
    take the NTP time of their sender reports from that clock instead of the system's.
    """
    clock = GObject.new(Gst.SystemClock, clock_type=Gst.ClockType.REALTIME)
    internal = clock.get_internal_time()
    clock.set_calibration(internal, internal + round((NTP_UNIX_OFFSET + seconds) * Gst.SECOND), 1, 1)
    media.set_clock(clock)

    def prepared(media: GstRtspServer.RTSPMedia) -> None:
        pipeline = media.get_element().get_parent() or media.get_element()
        elements = pipeline.iterate_recurse()
        while True:
            result, element = elements.next()
            if result != Gst.IteratorResult.OK:
                break
            factory = element.get_factory()
            if factory is not None and factory.get_name() == "rtpbin":
                element.set_property("ntp-time-source", "clock-time")

    media.connect("prepared", prepared)


def report_epoch(media: GstRtspServer.RTSPMedia) -> None:
    """Print the wall-clock time of running time 0 once the shared media plays."""
    pipeline = media.get_element().get_parent() or media.get_element()

    def check() -> bool:
        clock = pipeline.get_clock()
        if clock is None or pipeline.get_state(0)[1] != Gst.State.PLAYING:
            return True
        running = clock.get_time() - pipeline.get_base_time()
        print(json.dumps({"epoch": time.time() - running / Gst.SECOND}), flush=True)
        return False

    GLib.timeout_add(20, check)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8554, help="0 picks a free port")
    parser.add_argument("--path", default="/doorbell")
    parser.add_argument(
        "--codec", choices=("h264", "h265", "none"), default="h264", help="none: an audio-only camera"
    )
    parser.add_argument("--bframes", type=int, default=0)
    parser.add_argument("--size", help="WxH, e.g. 800x600")
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--height", type=int, default=720)
    parser.add_argument("--fps", type=int, default=15)
    parser.add_argument("--bitrate", type=int, default=3000, help="kbit/s")
    parser.add_argument("--gop-seconds", type=float, default=2.0)
    parser.add_argument("--audio", choices=("aac", "pcma", "pcmu", "none"), default="aac")
    parser.add_argument("--pattern", default="ball")
    parser.add_argument(
        "--overlay", action="append", default=[], metavar="X,Y,PNG", help="draw an image at X,Y (repeatable)"
    )
    parser.add_argument(
        "--overlay-speed", type=float, default=0, help="--write-clip: the images move right, pixels a second"
    )
    parser.add_argument(
        "--write-clip", metavar="MP4", help="write --clip-seconds of the camera's encoding to a file and exit"
    )
    parser.add_argument("--cheap", action="store_true", help="serve a pre-encoded loop, no encoding")
    parser.add_argument("--no-rtcp", action="store_true", help="send no RTCP (no sender reports)")
    parser.add_argument(
        "--ntp-offset", type=float, default=0, help="seconds the camera's clock (its RTCP reports) is off"
    )
    parser.add_argument("--clip-seconds", type=float, default=0, help="cheap mode: loop length (2 GOPs)")
    parser.add_argument("--username")
    parser.add_argument("--password")
    parser.add_argument("--tls-cert", help="PEM certificate: serve RTSPS (RTSP over TLS)")
    parser.add_argument("--tls-key", help="PEM private key of --tls-cert")
    args = parser.parse_args()
    if not args.path.startswith("/"):
        parser.error("--path must start with /")
    if bool(args.username) != bool(args.password):
        parser.error("--username and --password go together")
    if bool(args.tls_cert) != bool(args.tls_key):
        parser.error("--tls-cert and --tls-key go together")
    if args.size:
        try:
            args.width, args.height = (int(v) for v in args.size.lower().split("x"))
        except ValueError:
            parser.error("--size must be WxH, e.g. 800x600")
    if args.codec == "none" and args.audio == "none":
        parser.error("--codec none needs --audio")
    if args.codec == "none":
        # Audio alone costs next to nothing to encode: always served live.
        args.cheap = False
    if not 0 <= args.bframes <= 16 or args.fps < 1 or args.gop_seconds <= 0:
        parser.error("--bframes 0..16, --fps >= 1 and --gop-seconds > 0")
    gop = max(1, round(args.fps * args.gop_seconds))
    if args.clip_seconds <= 0:
        args.clip_seconds = 2 * gop / args.fps
    # The loop holds whole GOPs, so its joins fall on keyframes.
    args.clip_seconds = max(1, round(args.clip_seconds * args.fps / gop)) * gop / args.fps

    Gst.init(None)
    if args.write_clip:
        # The same picture and encoder as served, into a file (benchmarks; no RTSP involved).
        encode_file(args, Path(args.write_clip), mux="mp4mux faststart=true")
        return 0
    server = GstRtspServer.RTSPServer()
    server.set_address(args.host)
    server.set_service(str(args.port))

    factory = GstRtspServer.RTSPMediaFactory()
    factory.set_shared(True)
    if args.cheap:
        clip = load_clip(pre_encode(args), args)
        factory.set_launch(cheap_launch(args))

        def configure(_factory: GstRtspServer.RTSPMediaFactory, media: GstRtspServer.RTSPMedia) -> None:
            bin_ = media.get_element()
            vsrc = bin_.get_by_name("vsrc")
            vsrc.set_property("caps", clip.video_caps)
            loopers = [Looper(vsrc, clip.video, clip.duration, trim=False)]
            asrc = bin_.get_by_name("asrc")
            if asrc is not None and clip.audio:
                asrc.set_property("caps", clip.audio_caps)
                loopers.append(Looper(asrc, clip.audio, clip.duration, trim=True))
            # The same shift for both streams keeps them in sync.
            shift = max(looper.shift for looper in loopers)
            for looper in loopers:
                looper.shift = shift
            FEEDING[:] = loopers
            report_epoch(media)

        factory.connect("media-configure", configure)
    else:
        factory.set_launch(build_launch(args))
        factory.connect("media-configure", lambda _f, media: report_epoch(media))
    if args.no_rtcp:
        factory.set_enable_rtcp(False)
    if args.ntp_offset:
        factory.connect("media-configure", lambda _f, media: shift_ntp_clock(media, args.ntp_offset))

    if args.username or args.tls_cert:
        auth = GstRtspServer.RTSPAuth()
        token = GstRtspServer.RTSPToken()
        token.set_string(GstRtspServer.RTSP_TOKEN_MEDIA_FACTORY_ROLE, "doorbell")
        if args.username:
            auth.add_basic(GstRtspServer.RTSPAuth.make_basic(args.username, args.password), token)
        else:
            auth.set_default_token(token)  # TLS without a password: every client may play
        if args.tls_cert:
            auth.set_tls_certificate(Gio.TlsCertificate.new_from_files(args.tls_cert, args.tls_key))
            auth.set_tls_authentication_mode(Gio.TlsAuthenticationMode.NONE)
        server.set_auth(auth)
        permissions = GstRtspServer.RTSPPermissions()
        permissions.add_role_from_structure(
            Gst.Structure.new_from_string(
                "doorbell, media.factory.access=(boolean)true, media.factory.construct=(boolean)true"
            )
        )
        factory.set_permissions(permissions)

    server.get_mount_points().add_factory(args.path, factory)
    if server.attach(None) == 0:
        print(f"cannot listen on {args.host}:{args.port}", file=sys.stderr)
        return 1

    port = server.get_bound_port()
    loop = GLib.MainLoop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        GLib.unix_signal_add(GLib.PRIORITY_HIGH, signum, loop.quit)
    scheme = "rtsps" if args.tls_cert else "rtsp"
    print(json.dumps({"url": f"{scheme}://{args.host}:{port}{args.path}", "port": port}), flush=True)
    loop.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
