"""Writing an output file whole or not at all."""

from __future__ import annotations

import contextlib
import os
import signal
import tempfile
import threading
from pathlib import Path


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def atomic_output(target: Path, *, catch_sigterm: bool = True):
    """Yield a temporary path in `target`'s folder; on success it becomes `target` with the
    usual permissions (0666 less the umask, as any new file); on an error, an interrupt or a
    SIGTERM it is removed and `target` is left as it was. A background worker, which stops
    between tasks on a SIGTERM of its own, passes catch_sigterm=False."""
    target = Path(target)
    handle, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    os.close(handle)
    temporary = Path(name)
    previous = None
    if catch_sigterm and threading.current_thread() is threading.main_thread():
        # A SIGTERM (a stopped container, a killed job) ends the command through the cleanup
        # below instead of leaving the temporary file behind.
        def stop(signum, frame):
            raise SystemExit(128 + signum)

        previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield temporary
        os.chmod(temporary, 0o666 & ~_current_umask())
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
