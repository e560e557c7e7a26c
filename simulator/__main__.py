"""`python -m simulator` runs the rolesim command line."""

from .cli import main

raise SystemExit(main())
