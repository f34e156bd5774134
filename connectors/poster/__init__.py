"""Poster POS connector."""
