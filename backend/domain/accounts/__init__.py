"""Accounts: signing in and out, passwords, API tokens, and their administration."""
