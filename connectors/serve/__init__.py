"""Serve (Syrve, formerly iiko Cloud API) connector."""
