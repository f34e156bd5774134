"""Saving and reading a program's Wallet design (images checked before anything is written)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from gateway.db import commit_unit, utcnow
from gateway.errors import not_found
from gateway.ids import new_id
from gateway.loyalty.programs.models import Program
from gateway.wallet.design.images import RULES, checked_png
from gateway.wallet.design.models import WalletDesign
from gateway.wallet.design.schemas import DesignIn

TEXT_FIELDS = (
    "background_color",
    "foreground_color",
    "label_color",
    "stamps_label",
    "reward_label",
)


def find_design(session: Session, program_id: str) -> WalletDesign | None:
    """The program's design, or None while it has the default."""
    return session.scalars(
        select(WalletDesign).where(WalletDesign.program_id == program_id)
    ).one_or_none()


def _program(session: Session, merchant_id: str, program_id: str) -> Program:
    program = session.get(Program, program_id)
    if program is None or program.merchant_id != merchant_id:
        raise not_found("program")
    return program


def get_design(session: Session, merchant_id: str, program_id: str) -> WalletDesign:
    """The design of a program of the merchant; ``not_found`` while it has none."""
    _program(session, merchant_id, program_id)
    design = find_design(session, program_id)
    if design is None:
        raise not_found("Wallet design")
    return design


def save_design(
    session: Session, merchant_id: str, program_id: str, body: DesignIn
) -> WalletDesign:
    """Replace the program's design; every image is checked first, so a refusal writes
    nothing."""
    program = _program(session, merchant_id, program_id)
    images = {
        field: checked_png(field, encoded) if encoded else None
        for field in RULES
        for encoded in (getattr(body, field),)
    }
    design = find_design(session, program.id)
    if design is None:
        design = WalletDesign(id=new_id("wds"), merchant_id=merchant_id, program_id=program.id)
        session.add(design)
    for field in TEXT_FIELDS:
        setattr(design, field, getattr(body, field))
    for field, data in images.items():
        setattr(design, field, data)
    design.updated_at = utcnow()
    commit_unit(session)
    return design
