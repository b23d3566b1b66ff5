"""Write a whole output directory atomically.

Everything is built in a hidden sibling directory and renamed into place at the end, so a run that fails
half-way leaves no partial results, and a reader never sees a half-written directory.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from .writers import current_umask

__all__ = ["check_output_dir", "staged_output_dir"]


def check_output_dir(target: str | os.PathLike, *, overwrite: bool = False) -> Path:
    """Refuse (``FileExistsError``) a target that is a file, or a non-empty directory unless ``overwrite``.

    Call it before a long run so the user learns at once; :func:`staged_output_dir` checks again at the end.
    """
    target = Path(target)
    if target.exists() or target.is_symlink():
        if not target.is_dir():
            raise FileExistsError(f"The output path {str(target)!r} exists and is not a directory.")
        if any(target.iterdir()) and not overwrite:
            raise FileExistsError(
                f"The output directory {str(target)!r} exists and is not empty; use --overwrite to replace it."
            )
    return target


def _missing_ancestors(path: Path) -> list[Path]:
    """Ancestors of ``path`` that do not exist yet, outermost first."""
    missing = []
    for parent in path.absolute().parents:
        if parent.exists():
            break
        missing.append(parent)
    return missing[::-1]


@contextlib.contextmanager
def staged_output_dir(target: str | os.PathLike, *, overwrite: bool = False) -> Iterator[Path]:
    """Yield an empty staging directory; on success it becomes ``target``, on any exception it is removed.

    With ``overwrite`` an existing ``target`` is replaced as a whole (old files do not linger). Parent
    directories that had to be created are removed again if the run fails.
    """
    target = Path(target)
    check_output_dir(target, overwrite=overwrite)
    created = _missing_ancestors(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.staging-"))
    try:
        yield stage
        check_output_dir(target, overwrite=overwrite)  # something may have appeared during the run
        os.chmod(stage, 0o777 & ~current_umask())  # mkdtemp makes it private (0700)
        _swap_into_place(stage, target)
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        for d in reversed(created):
            with contextlib.suppress(OSError):
                d.rmdir()  # only if still empty
        raise


def _swap_into_place(stage: Path, target: Path) -> None:
    if not (target.exists() or target.is_symlink()):
        os.replace(stage, target)
        return
    # move the old directory aside first, so that at every moment either the old or the new one is in place
    backup = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.old-"))
    backup.rmdir()
    os.replace(target, backup)
    try:
        os.replace(stage, target)
    except BaseException:
        os.replace(backup, target)
        raise
    if backup.is_dir() and not backup.is_symlink():
        shutil.rmtree(backup, ignore_errors=True)
    else:
        backup.unlink()
