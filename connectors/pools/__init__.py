"""Code pools filled from a POS coupon series."""
