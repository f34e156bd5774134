"""Campaigns: broadcasts to a program's card segments, sent as messages per channel."""
