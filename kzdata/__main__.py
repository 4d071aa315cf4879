"""``python -m kzdata``: the same as the ``kzdata`` command."""

import sys

from kzdata._cli import main

if __name__ == "__main__":
    sys.exit(main())
