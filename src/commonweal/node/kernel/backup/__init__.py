"""Backups of a whole node and their restore (``commonweal backup``, ``restore-backup``).

``archive`` is the file format, ``make`` takes a backup while the node serves,
``restore`` brings one back into an empty data directory and ``cosigned`` checks
the restored log against what the node's witnesses cosigned.
"""
