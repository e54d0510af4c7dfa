"""Alembic migrations, run programmatically by :func:`commonweal.store.database.migrate`."""
