"""`python -m hydro_manifest` runs the `hydro` command."""

from .cli import main

main()
