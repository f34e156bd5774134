"""Serving with gunicorn: the settings of `stampgate serve`, a worker answering in problem+json."""
