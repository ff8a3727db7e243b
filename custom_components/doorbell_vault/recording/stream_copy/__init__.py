"""The recorder process's parts (PyAV only; nothing of the integration is imported).

`capture.py` loads this folder by path under the name `stream_copy` (it runs with `python -P`, its own
folder off the import path); the modules import each other relatively, so the integration's tests import
them as `recording.stream_copy` too.
"""
