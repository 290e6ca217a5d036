"""Entry point of the bundle: the same `sitrep` as the installed console script."""

from sitrep_desktop.app import main

if __name__ == "__main__":
    raise SystemExit(main())
