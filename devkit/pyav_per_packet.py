"""PyAV read packet by packet, for `scripts/bench recording`: demux one stream and mux it into one
fragmented MP4, with no logic of its own (no segments, no clock, no interleaving) and no batches (the
recorder process sleeps while packets gather: capture.Pacer). Not used by the integration: it shows
what waking for every packet costs, logic or not. The URL comes on stdin, the output file is the only
argument.
"""

from __future__ import annotations

import sys

import av


def main() -> None:
    """Copy until the stream ends or the process is terminated."""
    url = sys.stdin.readline().strip()
    source = av.open(url, options={"rtsp_transport": "tcp", "fflags": "+discardcorrupt-genpts"})
    wanted = source.streams.video[:1] + source.streams.audio[:1]
    options = {"movflags": "+frag_keyframe+delay_moov+default_base_moof"}
    with av.open(sys.argv[1], "w", format="mp4", options=options) as output:
        streams = {s.index: output.add_stream_from_template(s) for s in wanted}
        for packet in source.demux(wanted):
            if packet.dts is not None:
                packet.stream = streams[packet.stream_index]
                output.mux(packet)


if __name__ == "__main__":
    main()
