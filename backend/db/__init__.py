"""Persistence: Piccolo tables, migrations and transaction helpers."""
