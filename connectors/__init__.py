"""The POS side: connections, the inbox, shared connector plumbing, and one folder per POS."""
