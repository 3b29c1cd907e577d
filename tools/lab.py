"""`make lab`: JupyterLab on the book, on 127.0.0.1, as any user.

Jupyter refuses to start as root ("Running as root is not recommended"), which is how a
container usually runs; it starts there with `--allow-root`, passed only when the user is root.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from tools.paths import REPO


def lab_command(root_dir: Path, euid: int) -> list[str]:
    """The command that starts JupyterLab on `root_dir` for the user with this effective id."""
    command = [
        sys.executable,
        "-m",
        "jupyter",
        "lab",
        "--ip=127.0.0.1",
        f"--ServerApp.root_dir={root_dir}",
    ]
    if euid == 0:
        command.append("--allow-root")
    return command


def main() -> None:
    command = lab_command(REPO, os.geteuid())
    os.execv(command[0], command)


if __name__ == "__main__":
    main()
