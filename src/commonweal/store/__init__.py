"""Persistence with SQLAlchemy 2: SQLite (embedded default) or PostgreSQL, Alembic migrations."""
