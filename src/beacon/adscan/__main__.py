"""``python -m beacon.adscan scan INPUT --out DIR``."""

from __future__ import annotations

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
