"""Backups and restores of the database and the stored files."""
