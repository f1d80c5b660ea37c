"""Saving files without ever losing what a user wrote.

Every file finplan writes goes through :func:`replace_file`:

- the new content is written to a temporary file beside the target
  (``.~finplan-<name>-new-XXXXXXXX.tmp``, created exclusively), flushed to the
  disk (``fsync``) and checked; only then does it replace the target, in one
  rename;
- the file it replaces is kept as ``<name>.bak<suffix>``: copied to a temporary
  file, flushed, then renamed over the previous backup, so that a crash at any
  moment leaves the file either old or new, and the backup either the previous
  one or a complete copy of the old file; only a backup finplan made and recorded is
  replaced so (:func:`rolling_backup`): a user's own ``plan.bak.xlsx`` is left alone
  and the next free numbered name taken;
- a new file never replaces an existing one unless asked (``force``), not even
  one another program creates at the same instant; what ``force`` replaces is
  kept without ever replacing an earlier backup (:func:`free_backup_path`);
- a workbook open in Excel or LibreOffice (its ``~$`` or ``.~lock.…#`` lock file is
  present), a read-only file,
  a folder that cannot be written, a backup that is a link or not a regular file
  are left alone, with a message saying what to do;
- a symbolic link to a regular file is followed: the file it points to is saved
  (its backup beside it) and the link stays a link; a dangling link is refused;
- two finplan commands on the same file cannot interleave: every save holds a
  lock (the ``filelock`` library) on ``.<name>.finplan-lock`` beside the file; a
  second command stops with a message, while the holder may take it again;
- what a killed run left (temporary files, lock file) is removed by the next
  save of the same file, while it holds that file's lock;
- a failure of the machine (full disk, size limit, permissions…) becomes a
  French :class:`~finplan.errors.FinplanError` (see :func:`explain_os_error`).
"""

from __future__ import annotations

import contextlib
import errno
import gc
import io
import os
import re
import shutil
import stat
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import filelock

from finplan.errors import FinplanError

if TYPE_CHECKING:
    from openpyxl.workbook.workbook import Workbook

__all__ = ["xlsx_path", "backup_path", "free_backup_path", "check_writable", "exclusive",
           "explain_os_error", "replace_file", "save_atomic", "save_new", "save_text_new",
           "workbook_bytes", "write_bytes"]

#: Seconds a command waits for another command's lock before it gives up. Short on
#: purpose: a second command stops rather than queues; the wait only covers the instant
#: when the first one releases the lock.
LOCK_WAIT = 0.2

# On Unix the lock file is removed while it is still held (never after), and filelock
# (>= 4.2.12) retries when the file it locked was unlinked meanwhile (st_nlink == 0), so
# two commands never hold two different lock files for one target. Windows' and the
# fallback "soft" locks remove their file themselves.
_UNLINK_WHILE_HELD = (filelock.has_fcntl
                      and issubclass(filelock.FileLock, filelock.UnixFileLock))

_BUSY = ("Une autre commande finplan travaille déjà sur {name} : attendez qu'elle se "
         "termine puis relancez. Rien n'a été modifié.")


def backup_path(path: Path) -> Path:
    """``plan.xlsx`` -> ``plan.bak.xlsx``.

    >>> backup_path(Path("dossiers/plan.xlsx")).as_posix()
    'dossiers/plan.bak.xlsx'
    """
    return path.with_name(f"{path.stem}.bak{path.suffix}")


def free_backup_path(path: Path) -> Path:
    """The first of ``plan.bak.xlsx``, ``plan.bak-2.xlsx``, ``plan.bak-3.xlsx``… that
    does not exist: where a file replaced on request (``--force``) is kept, so that a
    second ``--force`` never replaces the backup holding the user's own file.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     plan = Path(folder) / "plan.xlsx"
    ...     _ = backup_path(plan).write_bytes(b"user's")
    ...     print(free_backup_path(plan).name)
    plan.bak-2.xlsx
    """
    candidate, number = backup_path(path), 1
    while os.path.lexists(candidate):
        number += 1
        candidate = path.with_name(f"{path.stem}.bak-{number}{path.suffix}")
    return candidate


# ---------------------------------------------------------------------------------------
# What a failure of the machine means to a user: one table, used by every save and by
# the command line for any OSError that escapes a command.

_ACCESS = ("accès refusé", "vérifiez que vous pouvez écrire ce fichier et son dossier "
           "(fichier en lecture seule, dossier protégé, fichier ouvert dans un autre "
           "programme), ou enregistrez ailleurs")
_IN_USE = ("le fichier est utilisé par un autre programme", "fermez-le puis relancez")
_DISK_FULL = ("le disque est plein", "libérez de la place sur ce disque, ou enregistrez sur "
              "un autre disque, puis relancez")
_TOO_LONG = ("le nom du fichier ou du chemin est trop long",
             "choisissez un nom plus court ou un dossier moins profond")
_OS_ERRORS: dict[int, tuple[str, str]] = {
    errno.ENOSPC: _DISK_FULL,
    errno.EFBIG: ("le fichier dépasse la taille maximale permise sur ce système",
                  "enregistrez sur un autre disque, ou faites relever cette limite de taille "
                  "de fichier, puis relancez"),
    errno.EACCES: _ACCESS,
    errno.EPERM: _ACCESS,
    errno.EROFS: ("le disque est en lecture seule",
                  "enregistrez sur un disque où vous pouvez écrire"),
    errno.ENAMETOOLONG: _TOO_LONG,
    errno.EISDIR: ("c'est un dossier, pas un fichier", "donnez le nom d'un fichier"),
    errno.ENOTDIR: ("une partie du chemin n'est pas un dossier", "vérifiez le chemin"),
    errno.ENOENT: ("le fichier ou son dossier n'existe pas", "vérifiez le chemin"),
    errno.EEXIST: ("le fichier existe déjà", "choisissez un autre nom"),
    errno.ELOOP: ("le chemin passe par un lien symbolique refusé ou qui tourne en rond",
                  "donnez le chemin du fichier lui-même"),
    errno.EBUSY: _IN_USE,
    errno.ETXTBSY: _IN_USE,
    errno.EIO: ("erreur de lecture ou d'écriture du disque",
                "vérifiez le disque, la clé USB ou la connexion réseau, puis relancez"),
    errno.EMFILE: ("trop de fichiers ouverts", "fermez des programmes puis relancez"),
    errno.ENFILE: ("trop de fichiers ouverts", "fermez des programmes puis relancez"),
}
if hasattr(errno, "EDQUOT"):
    _OS_ERRORS[errno.EDQUOT] = ("votre quota d'espace disque est atteint",
                                "libérez de la place ou demandez un quota plus grand, "
                                "puis relancez")
# Windows reports some failures by their own code (``winerror``), more precise than errno.
_WINDOWS_ERRORS = {32: _IN_USE, 33: _IN_USE, 39: _DISK_FULL, 112: _DISK_FULL, 206: _TOO_LONG}


def _cause(error: OSError) -> tuple[str, str]:
    """What went wrong and what the user can do, in French."""
    known = _WINDOWS_ERRORS.get(getattr(error, "winerror", None) or 0)
    return known or _OS_ERRORS.get(error.errno or 0) or (
        f"erreur du système ({error.strerror or error})",
        "vérifiez le fichier, son dossier et le disque, puis relancez")


def explain_os_error(error: OSError, path: str | Path | None = None) -> str:
    """A French sentence for a failure of the machine: the file, the cause, what to do.

    >>> import errno
    >>> print(explain_os_error(OSError(errno.ENOSPC, "No space left", "plan.xlsx")))
    plan.xlsx : le disque est plein ; libérez de la place sur ce disque, ou enregistrez sur un autre disque, puis relancez.
    """
    where = path if path is not None else (error.filename or "fichier")
    cause, advice = _cause(error)
    return f"{where} : {cause} ; {advice}."


# ---------------------------------------------------------------------------------------
# Which file a path designates, and whether finplan may write it.

def _real_target(path: Path) -> Path:
    """The file a save of ``path`` writes: ``path`` itself, or the regular file a
    symbolic link points to. Refuses a dangling link, a folder, a special file."""
    try:
        is_link = path.is_symlink()
    except OSError as error:  # a name too long, a folder that cannot be read…
        raise FinplanError(explain_os_error(error, path) + " Rien n'a été modifié.") from None
    if is_link:
        real = Path(os.path.realpath(path))
        if not real.exists():
            raise FinplanError(
                f"{path} est un lien symbolique vers {os.readlink(path)}, qui n'existe pas : "
                "finplan n'écrit pas à travers un lien cassé. Réparez le lien ou donnez le "
                "chemin d'un vrai fichier. Rien n'a été modifié.")
        _refuse_not_a_file(path, real)
        return real
    _refuse_not_a_file(path, path)
    return path


def _mode(path: Path, shown: Path, *, follow: bool) -> int | None:
    """The file type and permissions of ``path`` (of the link itself unless ``follow``);
    None when nothing is there; a French refusal naming ``shown`` when it cannot be
    looked at."""
    try:
        return (os.stat(path) if follow else os.lstat(path)).st_mode
    except FileNotFoundError:
        return None
    except OSError as error:
        raise FinplanError(explain_os_error(error, shown) + " Rien n'a été modifié.") from None


def _refuse_not_a_file(shown: Path, real: Path) -> None:
    """Refuse a path that exists and is not a regular file (a folder, a device…)."""
    mode = _mode(real, shown, follow=True)
    if mode is None:
        return
    if stat.S_ISDIR(mode):
        raise FinplanError(f"{shown} est un dossier, pas un fichier : donnez le nom du fichier "
                           "à écrire. Rien n'a été modifié.")
    if not stat.S_ISREG(mode):
        raise FinplanError(f"{shown} n'est pas un fichier ordinaire : finplan ne l'écrit pas. "
                           "Choisissez un autre nom. Rien n'a été modifié.")


def _check_folder(shown: Path, target: Path) -> None:
    """The folder that receives the file must exist and accept writing."""
    folder = target.parent
    if not folder.is_dir():
        raise FinplanError(f"Le dossier {folder} n'existe pas : créez-le ou choisissez un autre "
                           f"emplacement pour {shown.name}. Rien n'a été modifié.")
    if not os.access(folder, os.W_OK):
        raise FinplanError(f"Le dossier {folder} n'accepte pas d'écriture : finplan ne "
                           f"peut pas y enregistrer {shown.name}. Choisissez un autre dossier "
                           "ou demandez le droit d'y écrire. Rien n'a été modifié.")


def lock_files(name: str) -> dict[str, str]:
    """The lock files a spreadsheet program puts beside a workbook it has open, by
    name: Excel's ``~$name``, LibreOffice's ``.~lock.name#``.

    >>> lock_files("plan.xlsx")
    {'~$plan.xlsx': 'Excel', '.~lock.plan.xlsx#': 'LibreOffice'}
    """
    return {f"~${name}": "Excel", f".~lock.{name}#": "LibreOffice"}


def open_elsewhere(path: Path, present: Callable[[str], str | None] | None = None
                   ) -> tuple[str, str] | None:
    """(program, lock file) when ``path`` looks open in Excel or LibreOffice (its lock
    file is beside it), else None. ``present(name)``: the name of that file as the
    folder lists it, None if absent (default: looked up on the disk)."""
    for lock, program in lock_files(path.name).items():
        found = present(lock) if present else (
            lock if path.with_name(lock).exists() else None)
        if found:
            return program, found
    return None


def open_message(name: str, program: str, lock: str, where: Path | None = None) -> str:
    """« plan.xlsx semble ouvert dans Excel (le fichier ~$plan.xlsx est présent) »."""
    folder = f" dans {where}" if where else ""
    return (f"{name} semble ouvert dans {program} (le fichier {lock} est présent{folder})")


def check_writable(path: Path) -> None:
    """Refuse to touch a file that is open in Excel or LibreOffice, read-only, a folder
    or a dangling link, or whose folder cannot be written."""
    path = Path(path)
    target = _real_target(path)
    for place in dict.fromkeys((path, target)):
        found = open_elsewhere(place)
        if found:
            raise FinplanError(f"{open_message(path.name, *found)} : fermez le classeur "
                               "puis relancez la commande. Rien n'a été modifié.")
    if target.exists() and not os.access(target, os.W_OK):
        raise FinplanError(f"{path} est en lecture seule : finplan ne peut pas l'enregistrer. "
                           "Rien n'a été modifié.")
    _check_folder(path, target)


def _check_backup(backup: Path) -> None:
    """The backup is replaced by a rename: refuse one that is a link (its target would
    silently stop being what the user expects), not a regular file, or read-only."""
    mode = _mode(backup, backup, follow=False)
    if mode is None:
        return
    if stat.S_ISLNK(mode):
        raise FinplanError(
            f"{backup} est un lien symbolique (vers {os.readlink(backup)}) : finplan y garde "
            "la version précédente et n'écrit pas à travers un lien. Supprimez ou renommez "
            f"{backup.name}, puis relancez. Rien n'a été modifié.")
    if not stat.S_ISREG(mode):
        what = "un dossier" if stat.S_ISDIR(mode) else "un fichier spécial"
        raise FinplanError(f"{backup} est {what} : finplan y garde la version précédente. "
                           f"Supprimez ou renommez {backup.name}, puis relancez. Rien n'a été "
                           "modifié.")
    if not os.access(backup, os.W_OK):
        raise FinplanError(f"La sauvegarde {backup} est en lecture seule : finplan la "
                           "remplacerait par la version actuelle. Déplacez-la pour la garder, "
                           "ou rendez-la modifiable, puis relancez. Rien n'a été modifié.")


# ---------------------------------------------------------------------------------------
# The lock.

def _lock_file(target: Path) -> Path:
    """``plan.xlsx`` -> ``.plan.xlsx.finplan-lock`` beside it."""
    return target.with_name(f".{target.name}.finplan-lock")


# (thread, lock file) -> how many times this thread holds the lock.
_held: dict[tuple[int, str], int] = {}


@contextlib.contextmanager
def exclusive(path: Path) -> Iterator[None]:
    """Hold the file's finplan lock; a second command stops with a message.

    Re-entrant within one thread: a holder may save the same file (every save takes the
    lock itself). A link and the file it points to share one lock.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     target = Path(folder) / "plan.xlsx"
    ...     with exclusive(target), exclusive(target):
    ...         held = sorted(p.name for p in Path(folder).iterdir())
    ...     left = sorted(p.name for p in Path(folder).iterdir())
    >>> held, left
    (['.plan.xlsx.finplan-lock'], [])
    """
    target = _real_target(Path(path))
    lock_file = _lock_file(target)
    key = (threading.get_ident(), os.path.normcase(os.path.abspath(lock_file)))
    if key in _held:
        _held[key] += 1
        try:
            yield
        finally:
            _held[key] -= 1
        return
    lock, identity = _acquire(target, lock_file)
    _held[key] = 1
    try:
        yield
    finally:
        del _held[key]
        _release(lock, lock_file, identity)


def _acquire(target: Path, lock_file: Path) -> tuple[filelock.BaseFileLock, tuple | None]:
    """Take the lock of ``target``; returns it and the identity of its file."""
    _check_folder(target, target)
    try:
        mode = os.lstat(lock_file).st_mode
    except FileNotFoundError:
        mode = None
    except OSError as error:
        raise FinplanError(explain_os_error(error, lock_file) + " Rien n'a été modifié.") from None
    if mode is not None and not stat.S_ISREG(mode):
        what = ("un dossier" if stat.S_ISDIR(mode) else "un lien symbolique"
                if stat.S_ISLNK(mode) else "un fichier spécial")
        raise FinplanError(f"{lock_file} est {what} : finplan se sert de ce nom comme verrou "
                           f"pour {target.name}. Supprimez-le ou renommez-le, puis relancez. "
                           "Rien n'a été modifié.")
    lock = filelock.FileLock(str(lock_file), timeout=LOCK_WAIT)
    try:
        lock.acquire()
    except filelock.Timeout:
        raise FinplanError(_BUSY.format(name=target.name)) from None
    except OSError as error:
        cause, advice = _cause(error)
        raise FinplanError(f"finplan ne peut pas poser son verrou {lock_file.name} dans le "
                           f"dossier {target.parent} : {cause} ; {advice}. Rien n'a été "
                           "modifié.") from None
    try:
        identity = _identity(os.lstat(lock_file))
    except OSError:
        identity = None
    return lock, identity


def _identity(status: os.stat_result) -> tuple[int, int]:
    """Which file a path names (device, inode)."""
    return status.st_dev, status.st_ino


def _release(lock: filelock.BaseFileLock, lock_file: Path, identity: tuple | None) -> None:
    """Remove the lock file while still holding it (if it is still ours), then release."""
    try:
        if _UNLINK_WHILE_HELD and identity is not None:
            with contextlib.suppress(OSError):
                if _identity(os.lstat(lock_file)) == identity:
                    os.unlink(lock_file)
    finally:
        lock.release()


# ---------------------------------------------------------------------------------------
# Temporary files.

def _temporary_prefix(target: Path, kind: str) -> str:
    """Temporary files are named after their target: ``.~finplan-plan.xlsx-new-XXXXXXXX.tmp``
    (the new file) and ``.~finplan-plan.xlsx-bak-XXXXXXXX.tmp`` (the next backup)."""
    return f".~finplan-{target.name}-{kind}-"


def _temporary(target: Path, kind: str) -> str:
    """Create (exclusively, never through a link) an empty temporary file beside ``target``."""
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=_temporary_prefix(target, kind),
                                         suffix=".tmp")
    os.close(handle)
    return temporary


def _remove_leftovers(target: Path) -> None:
    """Remove the temporary files a killed save of ``target`` left (call with its lock
    held: only this target's names, and only regular files)."""
    # mkstemp's random part: 8 characters of [a-z0-9_]
    pattern = re.compile(re.escape(f".~finplan-{target.name}-") + r"(new|bak)-[a-z0-9_]{8}\.tmp")
    try:
        names = os.listdir(target.parent)
    except OSError:
        return
    for name in names:
        if pattern.fullmatch(name):
            leftover = target.parent / name
            with contextlib.suppress(OSError):
                if stat.S_ISREG(os.lstat(leftover).st_mode):
                    os.unlink(leftover)


def _flush_to_disk(path: str) -> None:
    """Make sure the file's content is on the disk, not only in the system's cache."""
    with open(path, "rb+") as handle:
        os.fsync(handle.fileno())


def _flush_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable (POSIX; best effort)."""
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        handle = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(handle)
        finally:
            os.close(handle)


def _copy_flushed(source: Path, temporary: str) -> None:
    """Copy ``source`` completely into ``temporary`` and flush it to the disk."""
    with open(source, "rb") as original, open(temporary, "wb") as copy:
        shutil.copyfileobj(original, copy, 1 << 20)
        copy.flush()
        os.fsync(copy.fileno())
    with contextlib.suppress(OSError):  # dates and permissions: nice to keep, not vital
        shutil.copystat(source, temporary)


def _put_in_place(temporary: str, target: Path, *, overwrite: bool, shown: Path) -> None:
    """Rename the temporary file to ``target``; without ``overwrite``, never replace a
    file that exists, even one another program created an instant ago."""
    if overwrite:
        os.replace(temporary, target)
        return
    try:
        os.link(temporary, target)  # fails if the name exists: no file is ever replaced
    except FileExistsError:
        raise FinplanError(_exists_message(shown)) from None
    except OSError:  # no hard links here (FAT, some network drives): check, then rename
        if os.path.lexists(target):
            raise FinplanError(_exists_message(shown)) from None
        os.replace(temporary, target)
        return
    os.unlink(temporary)


def _remove(paths: list[str]) -> None:
    """Remove our temporary files (those already renamed are gone: ignored)."""
    for path in paths:
        with contextlib.suppress(OSError):
            os.unlink(path)


# ---------------------------------------------------------------------------------------
# Saving.

def rolling_backup(path: Path, recorded: tuple[str, str] | None) -> tuple[Path, str]:
    """Where the next save of ``path`` keeps the file it replaces, and the SHA-256 of that
    file (to record in the new one). ``recorded``: (name, SHA-256) of the backup the
    previous save made, as the file records it. That backup, unchanged, is replaced
    again; ``plan.bak.xlsx`` is taken when free; else — a file of the user's bearing
    that name, or finplan's backup since edited — the first free numbered name
    (:func:`free_backup_path`): a backup finplan did not make is never replaced.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     plan = Path(folder) / "plan.xlsx"
    ...     _ = plan.write_bytes(b"v1")
    ...     _ = backup_path(plan).write_bytes(b"the user's own")
    ...     kept, digest = rolling_backup(plan, None)
    ...     print(kept.name, rolling_backup(plan, (kept.name, digest))[0].name)
    plan.bak-2.xlsx plan.bak-2.xlsx
    """
    import hashlib

    target = _real_target(Path(path))

    def digest(file: Path) -> str:
        return hashlib.sha256(file.read_bytes()).hexdigest()

    current = digest(target) if target.is_file() else ""
    if recorded is not None:
        name, recorded_digest = recorded
        previous = target.with_name(name)
        if (Path(name).name == name and previous.is_file() and not previous.is_symlink()
                and previous != target and digest(previous) == recorded_digest):
            return previous, current
    usual = backup_path(target)
    return (usual if not os.path.lexists(usual) else free_backup_path(target)), current


def replace_file(path: Path, write: Callable[[str], None], *, backup: bool,
                 check: Callable[[str], None] | None = None,
                 backup_to: Path | None = None) -> Path | None:
    """Save a file safely; returns the backup's path, if one was made.

    ``write(temporary)`` writes the complete new file to a temporary path beside
    ``path``; ``check(temporary)`` may raise :class:`FinplanError` to refuse it. Then
    the old file is kept as a backup (:func:`backup_path`, when ``backup``) and the new
    one put in place in one step (``backup_to``: the backup's path, default
    :func:`backup_path`). Takes the file's lock. A failure leaves ``path`` as it was
    and removes the temporary files.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     target = Path(folder) / "notes.txt"
    ...     _ = target.write_text("old", "utf-8")
    ...     kept = replace_file(target, lambda tmp: Path(tmp).write_text("new", "utf-8"),
    ...                         backup=True)
    ...     print(target.read_text("utf-8"), kept.name, kept.read_text("utf-8"))
    new notes.bak.txt old
    """
    return _save(Path(path), write, backup=backup, check=check, overwrite=True,
                 backup_to=backup_to)


def _save(path: Path, write: Callable[[str], None], *, backup: bool,
          check: Callable[[str], None] | None, overwrite: bool,
          keep_backups: bool = False, backup_to: Path | None = None) -> Path | None:
    """:func:`replace_file`; without ``overwrite``, the target must not exist; with
    ``keep_backups``, an existing backup is kept and the new one numbered.

    The order makes a kill at any moment harmless: new file complete and on disk, then
    backup complete and on disk and renamed, then the new file renamed."""
    with exclusive(path):
        target = _real_target(path)
        _remove_leftovers(target)
        check_writable(path)
        kept = None
        if backup and target.exists():
            kept = (free_backup_path(target) if keep_backups
                    else backup_to or backup_path(target))
        if kept is not None:
            _check_backup(kept)
        temporaries: list[str] = []
        backup_replaced = False
        try:
            temporaries.append(_temporary(target, "new"))
            write(temporaries[0])
            _flush_to_disk(temporaries[0])
            if check is not None:
                check(temporaries[0])
            os.chmod(temporaries[0], _mode_for(target))
            _keep_owner(temporaries[0], target)
            if kept is not None:
                temporaries.append(_temporary(target, "bak"))
                _copy_flushed(target, temporaries[-1])
                os.replace(temporaries[-1], kept)
                backup_replaced = True
            _put_in_place(temporaries[0], target, overwrite=overwrite, shown=path)
            _flush_folder(target.parent)
        except OSError as error:
            _remove(temporaries)
            raise FinplanError(_failure(error, path, kept if backup_replaced else None)) from None
        except BaseException:
            _remove(temporaries)
            raise
    return kept


def _failure(error: OSError, shown: Path, replaced_backup: Path | None) -> str:
    """The French message of a save that the machine made fail."""
    cause, advice = _cause(error)
    failed = Path(error.filename).name if error.filename else ""
    where = "" if not failed or failed.startswith(".~finplan-") or failed == shown.name else (
        f" ({failed})")
    text = f"finplan n'a pas pu enregistrer {shown} : {cause}{where} ; {advice}."
    if replaced_backup is None:
        return text + " Rien n'a été modifié."
    return (text + f" {shown.name} n'a pas été modifié ; {replaced_backup.name} en est "
            "maintenant une copie.")


def save_atomic(book: Workbook, path: Path, *, backup: bool = True) -> Path | None:
    """Save ``book`` to ``path`` through a temporary file; keep the old file as a
    backup. Returns the backup's path, if one was made. (A fill does not rewrite a
    user's workbook this way: see :mod:`finplan.io.workbook_package`.)"""
    path = Path(path)
    return replace_file(path, _writer(book, path), backup=backup)


def _keep_owner(temporary: str, target: Path) -> None:
    """The saved file keeps the owner and group of the file it replaces (an
    administrator filling a volunteer's workbook must not make it theirs); where that
    cannot be done (not allowed, or Windows, where files have no such owner) the
    system's default stays."""
    if not hasattr(os, "chown") or not target.exists():
        return
    status = target.stat()
    with contextlib.suppress(OSError):
        os.chown(temporary, status.st_uid, status.st_gid)


def _mode_for(path: Path) -> int:
    """The permissions the saved file gets: the old file's, else the usual ones."""
    if path.exists():
        return path.stat().st_mode & 0o777
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _exists_message(path: Path) -> str:
    """The refusal to replace an existing file without ``--force``."""
    return (f"{path} existe déjà : finplan n'écrase jamais un fichier. Choisissez un autre "
            "nom, ou ajoutez --force (l'ancien fichier sera gardé sous le nom "
            f"{free_backup_path(_real_target(path)).name}).")


def xlsx_path(output: str | Path) -> Path:
    """A workbook to write: a path ending in ``.xlsx`` (any case), or a French error.

    >>> xlsx_path("plan.XLSX").name
    'plan.XLSX'
    >>> xlsx_path("plan.xls")
    Traceback (most recent call last):
    finplan.errors.FinplanError: plan.xls : le classeur doit avoir l'extension .xlsx.
    """
    target = Path(output)
    if target.suffix.lower() != ".xlsx":
        raise FinplanError(f"{target} : le classeur doit avoir l'extension .xlsx.")
    return target


def save_new(book: Workbook, path: Path, *, force: bool = False) -> Path | None:
    """Save a new workbook; an existing file is replaced only with ``force`` (and
    kept as a backup)."""
    return _save_new(Path(path), _writer(book, Path(path)), force)


def save_text_new(text: str, path: Path, *, force: bool = False) -> Path | None:
    """Write a new text file (a case file) through a temporary file; an existing file
    is replaced only with ``force``, and then kept as a backup.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     target = Path(folder) / "cas.toml"
    ...     _ = save_text_new("a = 1\\n", target)
    ...     try:
    ...         save_text_new("a = 2\\n", target)
    ...     except FinplanError as error:
    ...         print(str(error).split(" : ")[1])
    finplan n'écrase jamais un fichier. Choisissez un autre nom, ou ajoutez --force (l'ancien fichier sera gardé sous le nom cas.bak.toml).
    """
    return _save_new(Path(path), lambda temporary: Path(temporary).write_text(text, "utf-8"),
                     force)


def workbook_bytes(book: Workbook, shown: Path) -> bytes:
    """The workbook's file, made in memory; a failure of the machine while openpyxl
    works (its temporary files) is a French message naming ``shown``."""
    buffer, failure = io.BytesIO(), None
    previous = sys.unraisablehook
    sys.unraisablehook = _quiet_os_errors(previous)
    try:
        try:
            book.save(buffer)
        except OSError as error:
            failure = _failure(error, shown, None)
        if failure:
            # openpyxl's half-written sheet streams are closed now, while their own
            # failure to close is kept quiet (it would print an English traceback); a
            # save that succeeded closed them itself (a collection costs about 20 ms)
            gc.collect()
    finally:
        sys.unraisablehook = previous
    if failure:
        raise FinplanError(failure)
    return buffer.getvalue()


def _quiet_os_errors(previous: Callable) -> Callable:
    """An unraisable-exception hook that drops OSErrors (a stream closed on a full
    disk) and passes anything else on."""
    def hook(unraisable) -> None:
        if not isinstance(unraisable.exc_value, OSError):
            previous(unraisable)
    return hook


def write_bytes(data: bytes, temporary: str) -> None:
    """Write a file's bytes, the file closed whatever happens (a full disk fails here,
    cleanly, never inside a zip writer left open)."""
    with open(temporary, "wb") as handle:
        handle.write(data)


def _writer(book: Workbook, shown: Path) -> Callable[[str], None]:
    return lambda temporary: write_bytes(workbook_bytes(book, shown), temporary)


def _save_new(path: Path, write: Callable[[str], None], force: bool) -> Path | None:
    """Write a new file: refuse an existing one (checked under the lock) unless ``force``."""
    with exclusive(path):
        if os.path.lexists(path) and not force:
            raise FinplanError(_exists_message(path))
        return _save(path, write, backup=True, check=None, overwrite=force,
                     keep_backups=True)
