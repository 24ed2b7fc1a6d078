"""Allow ``python -m byodkim``."""

from __future__ import annotations

from byodkim.cli import main

if __name__ == "__main__":
    main()
