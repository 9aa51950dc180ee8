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
    """CPU seconds used so far by ``pid`` and its children (a gunicorn master and its
    workers)."""
    return sum(stat[2] for p in (pid, *children(pid)) if (stat := _stat(p)) is not None)


def postgres_cpu():
    """CPU seconds used so far by every PostgreSQL process (backends and the writers
    their work causes: WAL writer, checkpointer)."""
    return sum(cpu for _pid, (command, _parent, cpu) in _all() if command == "postgres")


def rss_mib(pid):
    pages = int(Path(f"/proc/{pid}/statm").read_text().split()[1])
    return pages * PAGE / 2**20
