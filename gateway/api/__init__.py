"""The HTTP edge: authentication guards, limits, the API documents and operations routes."""
