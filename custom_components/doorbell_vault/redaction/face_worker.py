"""The face detector's own process: dlib's HOG frontal face detector on grey pictures from a pipe.

Run by path (`python -P face_worker.py THRESHOLD`), never imported by the integration. Speaks a tiny
binary protocol on stdin: a header (index, width, height as three little-endian uint32) and width x height
bytes of grey picture; width 0 ends it. Answers one JSON line per picture on stdout:
{"i": index, "faces": [[left, top, right, bottom, score], ...]} in the picture's pixels. The first line
says it is ready ({"ready": dlib's version}) or why it cannot start ({"error": ...}).
"""

from __future__ import annotations

import json
import struct
import sys

HEADER = struct.Struct("<III")


def _read(stream: object, size: int) -> bytes:
    data = bytearray()
    while len(data) < size:
        chunk = stream.read(size - len(data))  # type: ignore[attr-defined]
        if not chunk:
            raise EOFError
        data += chunk
    return bytes(data)


def main() -> int:
    """Answer pictures until the pipe closes or an empty header comes."""
    threshold = float(sys.argv[1]) if len(sys.argv) > 1 else 0.0
    out = sys.stdout
    try:
        import dlib  # type: ignore[import-untyped,import-not-found,unused-ignore]
        import numpy as np

        detector = dlib.get_frontal_face_detector()
    except Exception as err:
        out.write(json.dumps({"error": f"{type(err).__name__}: {err}"[:300]}) + "\n")
        out.flush()
        return 1
    out.write(json.dumps({"ready": str(dlib.__version__)}) + "\n")
    out.flush()
    source = sys.stdin.buffer
    while True:
        try:
            index, width, height = HEADER.unpack(_read(source, HEADER.size))
        except EOFError:
            return 0
        if width == 0:
            return 0
        picture = np.frombuffer(_read(source, width * height), dtype=np.uint8).reshape(height, width)
        rects, scores, _kinds = detector.run(picture, 0, threshold)
        faces = [
            [r.left(), r.top(), r.right(), r.bottom(), round(float(s), 3)]
            for r, s in zip(rects, scores, strict=True)
        ]
        out.write(json.dumps({"i": index, "faces": faces}) + "\n")
        out.flush()


if __name__ == "__main__":
    sys.exit(main())
