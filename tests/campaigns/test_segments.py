"""Each segment holds exactly the cards it says, and the preview counts them."""

from __future__ import annotations

from typing import Any

from pydantic import TypeAdapter
from sqlalchemy import delete, select, update

from gateway.campaigns.schemas import Segment
from gateway.campaigns.segments import segment_cards
from gateway.db import utcnow
from gateway.loyalty.cards.models import Card, StampEntry
from gateway.loyalty.programs.models import Program
from gateway.loyalty.vouchers.models import Voucher
from tests.campaigns.conftest import Shop, days_ago
from tests.support.codes import give
from tests.support.programs import nine_stamp_card
from tests.support.sales import post_sale, sale_body

SEGMENT: TypeAdapter[Segment] = TypeAdapter(Segment)


def members(shop: Shop, segment: dict[str, Any]) -> set[str]:
    """The numbers of the cards in the segment now; the preview must count as many."""
    with shop.app.extensions["stampgate"].session_factory() as session:
        program = session.get(Program, shop.program_id)
        assert program is not None
        statement = segment_cards(program, SEGMENT.validate_python(segment), utcnow())
        numbers = {card.number for card in session.scalars(statement)}
    assert shop.preview(segment=segment)["recipients"] == len(numbers)
    return numbers


def test_all_is_every_card_of_the_program_and_no_other(shop: Shop) -> None:
    cards = {shop.card(), shop.card(email=False)}
    other = shop.ok("POST", "/v1/programs", json=nine_stamp_card(name="Tea card"))["id"]
    shop.ok("POST", "/v1/cards", json={"program_id": other})  # another program's card
    assert members(shop, {"kind": "all"}) == cards


def test_inactive_counts_from_the_last_visit_or_the_enrolment(shop: Shop) -> None:
    gone, recent, never_long, never_new = (shop.card() for _ in range(4))
    shop.set_card(gone, last_visit_at=days_ago(40))
    shop.set_card(recent, last_visit_at=days_ago(2))
    shop.set_card(never_long, last_visit_at=None, created_at=days_ago(31))
    shop.set_card(never_new, last_visit_at=None)
    assert members(shop, {"kind": "inactive", "days": 30}) == {gone, never_long}
    assert members(shop, {"kind": "inactive", "days": 1}) == {gone, recent, never_long}


def test_near_goal_is_at_most_k_stamps_from_the_goal(shop: Shop) -> None:
    seven, six, eight = shop.card(stamps=7), shop.card(stamps=6), shop.card(stamps=8)
    shop.card()
    assert members(shop, {"kind": "near_goal", "stamps_left": 2}) == {seven, eight}
    assert members(shop, {"kind": "near_goal", "stamps_left": 1}) == {eight}
    assert six in members(shop, {"kind": "near_goal", "stamps_left": 3})


def test_voucher_expiring_is_an_active_voucher_ending_within_n_days(shop: Shop) -> None:
    soon, later, expired, redeemed = (shop.card() for _ in range(4))
    two_days = {
        "type": "voucher",
        "description": "Cake",
        "redemption": "staff",
        "validity": {"kind": "days", "count": 2},
    }
    give(shop.api, shop.merchant, two_days, soon)
    give(shop.api, shop.merchant, {**two_days, "validity": {"kind": "days", "count": 30}}, later)
    old = give(shop.api, shop.merchant, two_days, expired)
    with shop.app.extensions["stampgate"].session_factory() as session:
        session.execute(
            update(Voucher).where(Voucher.id == old["id"]).values(valid_until=days_ago(1))
        )
        session.commit()
    used = give(shop.api, shop.merchant, two_days, redeemed)
    shop.ok("POST", f"/v1/vouchers/{used['id']}/redeem", json={})
    assert members(shop, {"kind": "voucher_expiring", "days": 3}) == {soon}
    assert members(shop, {"kind": "voucher_expiring", "days": 31}) == {soon, later}


def test_never_redeemed_leaves_out_cards_that_redeemed(shop: Shop) -> None:
    redeemed, rolled_back, untouched = shop.card(), shop.card(), shop.card()
    voucher = {"type": "voucher", "description": "Cake", "redemption": "staff"}
    used = give(shop.api, shop.merchant, voucher, redeemed)
    shop.ok("POST", f"/v1/vouchers/{used['id']}/redeem", json={})
    undone = give(shop.api, shop.merchant, voucher, rolled_back)
    redemption = shop.ok("POST", f"/v1/vouchers/{undone['id']}/redeem", json={})["redemption_id"]
    shop.ok("POST", f"/v1/redemptions/{redemption}/rollback", json={})
    assert members(shop, {"kind": "never_redeemed"}) == {rolled_back, untouched}


def test_location_is_a_sale_or_stamps_there(shop: Shop) -> None:
    stamped_main = shop.card(stamps=1, location="main")
    shop.card(stamps=1, location="terrace")
    shop.card()
    sold = post_sale(shop.api, shop.merchant, sale_body("T-1", program_id=shop.program_id))
    assert sold.status_code in (200, 201), sold.get_json()
    buyer = sold.get_json()["card_number"]
    with shop.app.extensions["stampgate"].session_factory() as session:
        # Only the sale says where the buyer was: the sales table alone places them.
        card_id = session.scalars(select(Card.id).where(Card.number == buyer)).one()
        session.execute(delete(StampEntry).where(StampEntry.card_id == card_id))
        session.commit()
    assert members(shop, {"kind": "location", "location": "main"}) == {stamped_main, buyer}
    assert members(shop, {"kind": "location", "location": "nowhere"}) == set()
