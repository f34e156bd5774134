"""Redeem codes: lookup, the cashier desk, code pools, uploads and exports."""
