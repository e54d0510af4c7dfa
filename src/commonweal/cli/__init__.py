"""The ``commonweal`` command line (Typer). Each command parses, makes one call, prints."""
