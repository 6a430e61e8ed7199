"""Programmes and their obligations, loaded from seed data files."""
