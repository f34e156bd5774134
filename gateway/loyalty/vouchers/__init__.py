"""Vouchers: their lifecycle, issuing, redeeming, holds, validity and pictures of their codes."""
