"""What every gate in tools/ shares: its usage line and the report of its problems.

A gate is ``main(argv) -> int``: 0 when the artifact passes, 1 with each
problem on stderr as ``file:line: message`` (or ``file: message``) and a
last line that counts them, 2 for a usage error.
"""

from __future__ import annotations

import sys


def usage(doc: str) -> int:
    """Print the usage paragraph of a gate's docstring; exit status 2."""
    print(doc.split("\n\n")[1], file=sys.stderr)
    return 2


def report(problems: list[str], summary: str) -> int:
    """Each problem on stderr, then ``error: N <summary>``; 1 if any, else 0."""
    for problem in problems:
        print(problem, file=sys.stderr)
    if not problems:
        return 0
    print(f"error: {len(problems)} {summary}", file=sys.stderr)
    return 1
