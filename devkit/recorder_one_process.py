"""Every camera in one recorder process, for `scripts/bench recording`: what one process would cost.

Not used by the integration (one process per camera keeps a camera's failure its own). Each camera is
recorded by the recorder process's own code (stream_copy's Segmenter) on a thread of its own; FFmpeg releases
the GIL while it waits for a camera. The URLs come on stdin, one a line; segments go to
`<folder>/cam<n>/`. Reading in batches needs one socket per process (stream_copy's Pacer), so packets are
read as they come here.

`--fork`: a process per camera again, each forked from this one once it imported PyAV (a "zygote":
the interpreter's and PyAV's pages are shared until written, `gc.freeze()` keeps the collector from
writing them), read in batches as the recorder process does.
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import os
import sys
import threading
from pathlib import Path

# By path, as the integration runs it: importing it from its package would load Home Assistant.
CAPTURE = Path(__file__).parent.parent / "custom_components/doorbell_vault/recording/capture.py"
_spec = importlib.util.spec_from_file_location("capture", CAPTURE)
assert _spec is not None
assert _spec.loader is not None
capture = sys.modules["capture"] = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(capture)


def main() -> None:
    """Record every camera until the streams end or the process is terminated."""
    fork = sys.argv[1] == "--fork"
    folder = Path(sys.argv[-1])
    threads = []
    children = []
    # FFmpeg's messages as the recorder process has them: PyAV's Python callback can deadlock threads.
    capture.av.logging.restore_default_callback()
    capture.av.logging.set_libav_level(capture.av.logging.WARNING)
    gc.freeze()
    for index, line in enumerate(sys.stdin.read().split()):
        out = folder / f"cam{index}"
        out.mkdir(parents=True, exist_ok=True)
        args = argparse.Namespace(
            output=str(out / "%Y%m%dT%H%M%SZ.mp4"),
            protocols="rtsp,rtp,tcp,udp",
            segment_seconds=10,
            audio="copy",
            max_offset=3600,
            pace=capture.pacing.PACE_SECONDS if fork else 0,
            tls_ca=None,
            tls_host=None,
        )
        if fork:
            parent = os.getpid()
            if (child := os.fork()) == 0:
                # Ended with the zygote (SIGTERM's default action: no segment is closed here).
                alive = capture.die_with_parent(parent)
                os._exit(capture.segmenter.Segmenter(line, args).run() if alive else 1)
            children.append(child)
            continue
        threads.append(threading.Thread(target=capture.segmenter.Segmenter(line, args).run, daemon=True))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for child in children:
        os.waitpid(child, 0)


if __name__ == "__main__":
    main()
