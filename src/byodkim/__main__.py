"""Allow ``python -m byodkim``."""

from __future__ import annotations

from byodkim import gc_policy
from byodkim.cli import main, program

if __name__ == "__main__":
    if gc_policy.run_as_program(globals()):
        program()
    main()  # run by another program (runpy): it gets the SystemExit
