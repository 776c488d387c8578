"""The schema migrations, applied in order at start-up (see store/db.py)."""
