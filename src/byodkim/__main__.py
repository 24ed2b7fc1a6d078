"""Allow ``python -m byodkim``."""

from __future__ import annotations

from byodkim import gc_policy
from byodkim.cli import main

if __name__ == "__main__":
    gc_policy.end_program(main, globals())  # run by another program (runpy): it gets the SystemExit
