"""Merchant-configured maps and their pure evaluation (stamp rules, POS ids, redeem codes)."""
