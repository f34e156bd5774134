"""Request and response bodies of the connection routes."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal, Self

from pydantic import (
    AfterValidator,
    BaseModel,
    Field,
    RootModel,
    StringConstraints,
    model_validator,
)

from gateway.enums import Meanings
from gateway.examples import example, page_example
from gateway.strict import StrictModel
from gateway.text import reject_control_characters

CONNECTION: dict[str, Any] = {
    "id": "con_01m8s0dp4d7f9h1k3m5p7r9t1w",
    "pos": "poster",
    "program_id": "prg_01m8s0dnz989va9jv410bcyyg5",
    "account": "mycafe",
    "organization_id": None,
    "status": "active",
    "status_reason": None,
    "api_base_url": None,
    "webhook_url": "https://stampgate.example.com/hooks/poster",
    "webhook_token": None,
    "locations": {"1": "main"},
    "codes": {"17": "FREEPIZZA9"},
    "stale_codes": {},
    "synced_at": "2026-11-22T10:00:00Z",
    "created_at": "2026-11-22T10:00:00Z",
    "updated_at": "2026-11-22T10:00:00Z",
}

MAX_MAP_ENTRIES = 1000

Secret = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=512)]
PosKey = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=128),
    AfterValidator(reject_control_characters),
]
# A Poster account login becomes part of a host name (``https://{account}.joinposter.com``).
POSTER_ACCOUNT_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$"
PosterAccount = Annotated[
    str,
    StringConstraints(strip_whitespace=True, to_lower=True, pattern=POSTER_ACCOUNT_PATTERN),
]
RedeemCode = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=64),
    AfterValidator(reject_control_characters),
]
Location = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=128),
    AfterValidator(reject_control_characters),
]
BaseUrl = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2048)]


class ConnectionCreate(StrictModel):
    """Poster: ``account``, ``application_secret``, ``access_token``.
    Serve: ``organization_id``, ``api_login``."""

    model_config = example(
        {
            "pos": "poster",
            "program_id": "prg_01m8s0dnz989va9jv410bcyyg5",
            "account": "mycafe",
            "application_secret": "3f9c0e1a7b",
            "access_token": "123456:abcdef0123456789",
        }
    )

    pos: Annotated[
        Literal["poster", "serve"],
        Meanings(
            {
                "poster": "Poster POS: give account, application_secret and access_token",
                "serve": "Syrve (Serve, formerly iiko): give organization_id and api_login",
            },
            "The point of sale to connect.",
        ),
    ]
    program_id: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    api_base_url: BaseUrl | None = Field(
        default=None, description="Another address of the POS API (a regional host, a sandbox)"
    )
    account: PosterAccount | None = Field(default=None, description="Poster account login")
    application_secret: Secret | None = None
    access_token: Secret | None = None
    organization_id: PosKey | None = Field(default=None, description="Syrve organization id")
    api_login: Secret | None = None

    @model_validator(mode="after")
    def _fields_of_the_pos(self) -> Self:
        needed = {
            "poster": ("account", "application_secret", "access_token"),
            "serve": ("organization_id", "api_login"),
        }
        missing = [name for name in needed[self.pos] if getattr(self, name) is None]
        if missing:
            raise ValueError(f"a {self.pos} connection needs {', '.join(missing)}")
        foreign = [
            name
            for pos, names in needed.items()
            if pos != self.pos
            for name in names
            if getattr(self, name) is not None
        ]
        if foreign:
            raise ValueError(f"{', '.join(foreign)} do not apply to {self.pos}")
        return self


class ConnectionPatch(StrictModel):
    """New credentials re-authorise a connection: its waiting events resume."""

    model_config = example({"access_token": "123456:fedcba9876543210"})

    program_id: Annotated[str, StringConstraints(min_length=1, max_length=64)] | None = None
    api_base_url: BaseUrl | None = None
    application_secret: Secret | None = None
    access_token: Secret | None = None
    api_login: Secret | None = None


class ConnectionPath(BaseModel):
    """The connection in the URL."""

    connection_id: str = Field(max_length=64)


LocationMap = Annotated[dict[PosKey, Location], Field(max_length=MAX_MAP_ENTRIES)]
CodeMap = Annotated[dict[PosKey, RedeemCode], Field(max_length=MAX_MAP_ENTRIES)]


class LocationsBody(RootModel[LocationMap]):
    """``{"<POS spot / terminal group id>": "<location>"}``; replaces the whole map."""

    model_config = example({"1": "main", "2": "terrace"})


class CodesBody(RootModel[CodeMap]):
    """``{"<POS promotion / discount / coupon id>": "<redeem code>"}``; replaces the whole map."""

    model_config = example({"17": "FREEPIZZA9"})


class ConnectionOut(BaseModel):
    """A connection; secrets are never shown (Serve's ``webhook_token`` only on create)."""

    model_config = example(CONNECTION)

    id: str
    pos: str
    program_id: str
    account: str | None = None
    organization_id: str | None = None
    status: Annotated[
        Literal["active", "needs_reauth"],
        Meanings(
            {
                "active": "the POS accepts our credentials",
                "needs_reauth": "the POS refused our credentials (status_reason says how); "
                "its events wait until new ones arrive",
            }
        ),
    ]
    status_reason: str | None
    api_base_url: str | None
    webhook_url: str
    webhook_token: str | None = None
    locations: dict[str, str]
    codes: dict[str, str]
    stale_codes: dict[str, str] = Field(
        description="Mapped promotions the POS no longer lists, as of synced_at"
    )
    synced_at: datetime | None
    created_at: datetime
    updated_at: datetime


class ConnectionPage(BaseModel):
    """A page of connections."""

    model_config = page_example(ConnectionOut)

    items: list[ConnectionOut]
    next_cursor: str | None


class PromotionOut(BaseModel):
    """A POS promotion (or discount, coupon series) and the redeem code mapped to it."""

    id: str
    name: str
    kind: str
    active: bool
    code: str | None


class PromotionList(BaseModel):
    """What the POS offers now, and mappings whose POS promotion no longer exists."""

    model_config = example(
        {
            "items": [
                {
                    "id": "17",
                    "name": "Free pizza",
                    "kind": "promotion",
                    "active": True,
                    "code": "FREEPIZZA9",
                }
            ],
            "stale_mappings": {},
        }
    )

    items: list[PromotionOut]
    stale_mappings: dict[str, str]


class WebhookRegistration(BaseModel):
    """What the POS now holds as its webhook settings."""

    model_config = example(
        {
            "webhook_url": "https://stampgate.example.com/hooks/serve/con_01m8s0dp4d7f9h1k3m5p7r9t1w",
            "filters": {"deliveryOrderFilter": {"orderStatuses": ["Closed"]}},
        }
    )

    webhook_url: str
    filters: dict[str, object]


class CatalogQuery(BaseModel):
    """Ask the POS again even when the stored catalogue is young."""

    refresh: bool = Field(
        default=False, description="true: fetch from the POS now instead of the stored catalogue"
    )


class CatalogPlace(BaseModel):
    """A POS spot (Poster) or terminal group (Syrve): the ids the locations map names."""

    id: str
    name: str
    timezone: str | None = Field(description="IANA zone; null when the POS names none (Poster)")


class CatalogCategory(BaseModel):
    """A product category (Poster) or menu group (Syrve): the ids a per_item rule's
    ``categories`` name."""

    id: str
    name: str


class CatalogProduct(BaseModel):
    """A product: the ids a per_item rule's ``products`` name."""

    id: str
    name: str
    category: str | None = Field(description="Its category's id; null when it has none")


class CatalogOut(BaseModel):
    """What the POS sells and where, as fetched at ``fetched_at`` (kept for an hour)."""

    model_config = example(
        {
            "locations": [{"id": "1", "name": "Podil", "timezone": None}],
            "categories": [{"id": "3", "name": "Coffee"}],
            "products": [{"id": "12", "name": "Latte", "category": "3"}],
            "fetched_at": "2026-11-22T10:00:00Z",
        }
    )

    locations: list[CatalogPlace]
    categories: list[CatalogCategory]
    products: list[CatalogProduct]
    fetched_at: datetime
