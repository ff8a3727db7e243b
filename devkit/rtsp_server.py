"""A simulated doorbell: a real RTSP server (GStreamer gst-rtsp-server) on loopback.

Runs under Debian's /usr/bin/python3 with python3-gi, never inside the project's virtual environment.
Prints one JSON line {"url": ..., "port": ...} on stdout once it accepts connections, then serves
until SIGTERM/SIGINT. Start it through devkit.simulator, which the tests and scripts share.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtspServer  # noqa: E402


def build_launch(args: argparse.Namespace) -> str:
    gop = max(1, round(args.fps * args.gop_seconds))
    video = (
        f"videotestsrc is-live=true pattern={args.pattern} "
        f"! video/x-raw,width={args.width},height={args.height},framerate={args.fps}/1 "
        f"! x264enc tune=zerolatency speed-preset=ultrafast bitrate={args.bitrate} "
        f'key-int-max={gop} bframes=0 option-string="filler=1:nal-hrd=cbr" '
        "! video/x-h264,profile=baseline ! rtph264pay name=pay0 pt=96 config-interval=1"
    )
    if args.audio == "aac":
        audio = (
            "audiotestsrc is-live=true wave=ticks volume=0.3 "
            "! audio/x-raw,rate=16000,channels=1 ! audioconvert ! voaacenc bitrate=32000 "
            "! rtpmp4gpay name=pay1 pt=97"
        )
    elif args.audio == "pcma":
        audio = (
            "audiotestsrc is-live=true wave=ticks volume=0.3 "
            "! audio/x-raw,rate=8000,channels=1 ! audioconvert ! alawenc ! rtppcmapay name=pay1 pt=8"
        )
    else:
        audio = ""
    return f"( {video} {audio} )"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8554, help="0 picks a free port")
    parser.add_argument("--path", default="/doorbell")
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--height", type=int, default=720)
    parser.add_argument("--fps", type=int, default=15)
    parser.add_argument("--bitrate", type=int, default=3000, help="kbit/s")
    parser.add_argument("--gop-seconds", type=float, default=2.0)
    parser.add_argument("--audio", choices=("aac", "pcma", "none"), default="aac")
    parser.add_argument("--pattern", default="ball")
    parser.add_argument("--username")
    parser.add_argument("--password")
    args = parser.parse_args()
    if not args.path.startswith("/"):
        parser.error("--path must start with /")
    if bool(args.username) != bool(args.password):
        parser.error("--username and --password go together")

    Gst.init(None)
    server = GstRtspServer.RTSPServer()
    server.set_address(args.host)
    server.set_service(str(args.port))

    factory = GstRtspServer.RTSPMediaFactory()
    factory.set_launch(build_launch(args))
    factory.set_shared(True)

    if args.username:
        auth = GstRtspServer.RTSPAuth()
        token = GstRtspServer.RTSPToken()
        token.set_string(GstRtspServer.RTSP_TOKEN_MEDIA_FACTORY_ROLE, "doorbell")
        auth.add_basic(GstRtspServer.RTSPAuth.make_basic(args.username, args.password), token)
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
    print(json.dumps({"url": f"rtsp://{args.host}:{port}{args.path}", "port": port}), flush=True)
    loop.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
