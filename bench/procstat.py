"""CPU time and memory of processes, read from /proc (Linux)."""
import os
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")


def _stat(pid):
    """``(command, parent pid, CPU seconds)`` of ``pid``, or ``None`` once it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    command = text[text.index("(") + 1:text.rindex(")")]
    fields = text[text.rindex(")") + 2:].split()
    # fields[0] is the state (field 3 of proc(5)): utime and stime are fields 14 and 15
    return command, int(fields[1]), (int(fields[11]) + int(fields[12])) / TICKS


def _all():
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            stat = _stat(int(entry.name))
            if stat is not None:
                yield int(entry.name), stat


def children(pid):
    return [child for child, (_cmd, parent, _cpu) in _all() if parent == pid]


def tree_cpu(pid):
    """``{pid: CPU seconds so far}`` of ``pid`` and its children (a gunicorn master and
    its workers)."""
    return {p: stat[2] for p in (pid, *children(pid)) if (stat := _stat(p)) is not None}


def postgres_cpu(database):
    """``{pid: CPU seconds so far}`` of the PostgreSQL backends connected to
    ``database`` (their title reads ``postgres: <cluster>: <user> <database> <client>``).
    Other databases' backends and the cluster's shared writers are left out: the
    machine may be running other work."""
    found = {}
    for pid, (command, _parent, cpu) in _all():
        if command != "postgres":
            continue
        try:
            title = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
        except (FileNotFoundError, ProcessLookupError):
            continue
        if f" {database} " in title.replace("\0", " "):
            found[pid] = cpu
    return found


def used(before, after):
    """CPU seconds used between two snapshots; a process that started in between counts
    whole, one that ended in between is lost (never a negative figure)."""
    return sum(cpu - before.get(pid, 0.0) for pid, cpu in after.items())


def rss_mib(pid):
    pages = int(Path(f"/proc/{pid}/statm").read_text().split()[1])
    return pages * PAGE / 2**20
