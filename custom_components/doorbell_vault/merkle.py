"""Merkle trees as RFC 6962 (Certificate Transparency) defines them.

A leaf is SHA-256(0x00 ‖ data), a node SHA-256(0x01 ‖ left ‖ right), split at the largest power of two
below the size. Hourly seals of the recorded segments' hashes go into the audit chain as such roots; a
package carries each source segment's audit path.

Recipients check the paths with `evidence/verify_package.py` (`in_tree`), which must stand alone.
"""

from __future__ import annotations

import hashlib
from functools import cache


def leaf_hash(data: bytes) -> bytes:
    """The hash of one leaf."""
    return hashlib.sha256(b"\x00" + data).digest()


def _node(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(size: int) -> int:
    """The largest power of two below `size` (size ≥ 2)."""
    return 1 << ((size - 1).bit_length() - 1)


class Tree:
    """A tree over fixed leaves; subtree hashes are computed once, so every audit path together is O(n)."""

    def __init__(self, leaves: list[bytes]) -> None:
        """`leaves` are the leaf data (here: the segments' SHA-256 digests), in order."""
        self._hashes = [leaf_hash(data) for data in leaves]

        @cache
        def subtree(start: int, end: int) -> bytes:
            if end - start == 1:
                return self._hashes[start]
            middle = start + _split(end - start)
            return _node(subtree(start, middle), subtree(middle, end))

        self._subtree = subtree

    @property
    def size(self) -> int:
        """How many leaves."""
        return len(self._hashes)

    def root(self) -> bytes:
        """The tree head (the hash of no data for an empty tree)."""
        return self._subtree(0, self.size) if self._hashes else hashlib.sha256().digest()

    def path(self, index: int) -> list[bytes]:
        """The audit path of leaf `index`, from the leaf's sibling up."""
        if not 0 <= index < self.size:
            raise IndexError(index)
        path: list[bytes] = []
        start, end = 0, self.size
        while end - start > 1:
            middle = start + _split(end - start)
            if index < middle:
                path.append(self._subtree(middle, end))
                end = middle
            else:
                path.append(self._subtree(start, middle))
                start = middle
        return path[::-1]
