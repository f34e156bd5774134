"""Who is logged in to the console: the signed session, its idle timeout and role checks."""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import abort, g, redirect, request, session, url_for
from werkzeug.wrappers import Response

from gateway.api.session import request_session
from gateway.extensions import extensions
from gateway.tenancy.models import User
from gateway.tenancy.users import get_user, session_fingerprint
from gateway.web.acting import run_as_user
from gateway.web.security import SCANNER_KEYS, clear_session

ViewT = TypeVar("ViewT", bound=Callable[..., Any])
CONSOLE_ROLES = ("owner", "manager")
_TOUCH_EVERY_SECONDS = 60


def log_in(user: User) -> None:
    """Start a fresh session for ``user`` (a new CSRF token with it)."""
    clear_session(keep=SCANNER_KEYS)
    session["uid"] = user.id
    session["fp"] = session_fingerprint(user)
    session["seen"] = int(time.time())


def log_out() -> None:
    """End the session."""
    clear_session(keep=SCANNER_KEYS)


def current_user() -> User | None:
    """The logged-in user, if the session is theirs, current and not idle for too long."""
    if "console_user" in g:
        return g.console_user  # type: ignore[no-any-return]
    user = _session_user()
    g.console_user = user
    return user


def _session_user() -> User | None:
    user_id, seen = session.get("uid"), session.get("seen")
    if not isinstance(user_id, str) or not isinstance(seen, int):
        return None
    now = int(time.time())
    if now - seen > extensions().settings.console_idle_minutes * 60:
        clear_session(keep=SCANNER_KEYS)
        return None
    user = get_user(request_session(), user_id)
    if user is None or session_fingerprint(user) != session.get("fp"):
        clear_session(keep=SCANNER_KEYS)  # removed, or the password changed since: log in again
        return None
    if now - seen >= _TOUCH_EVERY_SECONDS:
        session["seen"] = now
    return user


def safe_next(target: str | None) -> str:
    """Where to go after logging in: a console page of this site, never another site."""
    default = url_for("console.dashboard")
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path.startswith("/console/"):
        return default
    if "\\" in target or target.startswith("//"):
        return default
    return target


def console_page(*roles: str) -> Callable[[ViewT], ViewT]:
    """A page for logged-in users with one of ``roles`` (owners and managers by default)."""
    allowed = roles or CONSOLE_ROLES

    def decorate(view: ViewT) -> ViewT:
        @functools.wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            user = current_user()
            if user is None:
                return _to_login()
            if user.role not in allowed:
                abort(403)
            return run_as_user(user.id, user.merchant_id, functools.partial(view, *args, **kwargs))

        return guarded  # type: ignore[return-value]

    return decorate


def _to_login() -> Response:
    target = request.full_path.rstrip("?") if request.method == "GET" else request.referrer
    return redirect(url_for("console.login", next=safe_next(target)))
