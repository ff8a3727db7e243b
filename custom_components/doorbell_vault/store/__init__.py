"""SQL behind one door: the index's thread (`index.py`) and one repository module per table.

Nothing outside this package executes SQL or holds a connection: callers pass a repository function to
`Store.async_call` (or `Store.call` from a job already on the store's thread).
"""

from .errors import FolderError, IndexDamaged, StoreError
from .files import PRIVATE_UMASK, make_private_folder, write_private
from .index import Store, StoreInfo, prepare_folder, set_aside

__all__ = [
    "PRIVATE_UMASK",
    "FolderError",
    "IndexDamaged",
    "Store",
    "StoreError",
    "StoreInfo",
    "make_private_folder",
    "prepare_folder",
    "set_aside",
    "write_private",
]
