"""Automations: recurring messages to each card whose moment comes, once per occurrence."""
