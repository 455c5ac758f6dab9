"""Run one of the build's command-line tools; a crash is one line, not a traceback.

    python tools/run_tool.py tools/check_artifacts.py pdf _build/es/latex/mlops-handbook.pdf es

The tool runs as ``__main__`` in this process.  Its own messages and exit
status pass through unchanged.  Should it raise, the author sees

    _build/es/latex/mlops-handbook.pdf: error: check_artifacts.py failed: KeyError: 'x' (traceback: _build/tools.traceback.log)

naming the first argument that is an existing file or folder (the input the
tool was reading), and the traceback goes to the log file named there.
"""

from __future__ import annotations

import os
import runpy
import sys
import traceback
from pathlib import Path

LOG = Path(os.environ.get("BUILDDIR", "_build")) / "tools.traceback.log"


def main(argv: list[str]) -> int:
    script, args = argv[0], argv[1:]
    sys.argv = [script, *args]
    sys.path.insert(0, str(Path(script).resolve().parent))
    try:
        runpy.run_path(script, run_name="__main__")
    except SystemExit as exit_:
        code = exit_.code
        if code is None or isinstance(code, int):
            return code or 0
        print(code, file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BaseException as exc:  # noqa: BLE001 - reported in one line
        LOG.parent.mkdir(parents=True, exist_ok=True)
        LOG.write_text(f"{' '.join(argv)}\n\n{traceback.format_exc()}", encoding="utf-8")
        where = next((a for a in args if os.path.exists(a)), script)
        what = "".join(traceback.format_exception_only(type(exc), exc)).strip().splitlines()[0]
        print(f"{where}: error: {Path(script).name} failed: {what} (traceback: {LOG})",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
