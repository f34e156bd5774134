"""The dashboard: the business and what is left to set up."""

from __future__ import annotations

from flask import render_template

from gateway.api.session import request_session
from gateway.pagination import PageQuery
from gateway.tenancy import service as tenancy
from gateway.web.console.auth import console_page
from gateway.web.console.blueprint import Page, console, logged_in_user


@console.get("/")
@console_page()
def dashboard() -> Page:
    """The merchant's home: what is set up and what is left to do."""
    user = logged_in_user()
    session = request_session()
    merchant = tenancy.get_merchant(session, user.merchant_id)
    keys = tenancy.list_api_keys(session, user.merchant_id, PageQuery(limit=1))
    return render_template("console/dashboard.html", merchant=merchant, has_keys=bool(keys.items))
