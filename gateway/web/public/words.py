"""The customer pages' words for what the services return: history lines, the next reward,
refusals and lottery outcomes, each in the page's language."""

from __future__ import annotations

from flask_babel import gettext
from flask_babel import ngettext as babel_ngettext

from gateway.loyalty.customer_view.history import HistoryItem
from gateway.loyalty.customer_view.progress import NextReward


def _(message: str, **variables: object) -> str:
    """The message in the page's language (Flask-Babel's ``gettext``, typed)."""
    return str(gettext(message, **variables))


def ngettext(singular: str, plural: str, num: int, **variables: object) -> str:
    """The singular or plural message for ``num`` in the page's language."""
    return str(babel_ngettext(singular, plural, num, **variables))


def next_reward_hint(hint: NextReward) -> str:
    """``2 more stamps to 10% off``."""
    if hint.kind == "lottery":
        return ngettext(
            "%(num)d more stamp to a spin of %(reward)s",
            "%(num)d more stamps to a spin of %(reward)s",
            hint.stamps_needed,
            reward=hint.name,
        )
    return ngettext(
        "%(num)d more stamp to %(reward)s",
        "%(num)d more stamps to %(reward)s",
        hint.stamps_needed,
        reward=hint.name,
    )


def history_line(item: HistoryItem) -> str:
    """One line of the card's history in plain words."""
    count, name = item.count or 0, item.name or ""
    lines = {
        "joined": lambda: _("You joined the card."),
        "stamped": lambda: ngettext("%(num)d stamp added.", "%(num)d stamps added.", count),
        "stamps_reversed": lambda: ngettext(
            "%(num)d stamp taken back (a refund).", "%(num)d stamps taken back (a refund).", count
        ),
        "goal_reached": lambda: _("Card completed: a new round of stamps began."),
        "awarded": lambda: _("Reward earned: %(name)s", name=name),
        "voucher_issued": lambda: _("New voucher: %(name)s", name=name),
        "voucher_redeemed": lambda: _("Voucher used: %(name)s", name=name),
        "voucher_expired": lambda: _("Voucher expired: %(name)s", name=name),
        "voucher_voided": lambda: _("Voucher cancelled: %(name)s", name=name),
        "spin_earned": lambda: _("Lottery spin earned: %(name)s", name=name),
        "spin_played": lambda: _("Lottery played: %(name)s", name=name),
    }
    return lines[item.kind]()


def refusal(code: str) -> str:
    """Why a voucher cannot be used, for the customer."""
    reasons = {
        "already_redeemed": _("This voucher was already used."),
        "expired": _("This voucher has expired."),
        "voided": _("This voucher was cancelled."),
        "not_active": _("This voucher is not ready to use yet."),
        "channel_not_allowed": _("This voucher cannot be used from this page: show it to staff."),
        "held": _("This voucher is being used at the till right now."),
    }
    return reasons.get(code, _("This voucher cannot be used right now."))


def status_word(status: str) -> str:
    """A voucher's status for the customer."""
    words = {"issued": _("Not ready yet"), "active": _("Ready to use"), "redeemed": _("Used")}
    words |= {"expired": _("Expired"), "voided": _("Cancelled")}
    return words.get(status, status)


def outcome_words(outcome: dict[str, str]) -> str:
    """What a played spin's outcome means for the customer."""
    kind, name = outcome.get("kind", ""), outcome.get("name", "")
    words = {
        "award": lambda: _("You won: %(name)s. Show this screen to staff.", name=name),
        "voucher": lambda: _("You won: %(name)s. It is in your vouchers.", name=name),
        "try_again": lambda: _("Try again: you get another spin."),
        "no_prize": lambda: _("No prize this time."),
    }
    return words[kind]() if kind in words else name
