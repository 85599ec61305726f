"""Events published by data-sharing-svc."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import ClassVar

from pydantic import BaseModel

from getihu_kit.events import DATA_SHARING_FACTS, DATA_SHARING_PERSONS, EventData


class Provenance(BaseModel):
    batch_id: str
    agency: str | None = None
    received_at: dt.datetime | None = None


class TaxFact(Provenance):
    tax_paid: Decimal
    general_taxpayer: bool
    abnormal_taxpayer: bool


class SocialInsuranceFact(Provenance):
    insured_employees: int


class TrademarkFact(Provenance):
    registration_no: str
    holder: str  # business | operator
    in_use: bool


class PatentFact(Provenance):
    patent_no: str
    holder: str  # business | operator


class CertificateFact(Provenance):
    kind: str
    issued_on: dt.date
    expires_on: dt.date | None = None


class DebtorListing(Provenance):
    listed_on: dt.date
    removed_on: dt.date | None = None


class OperatorDebtorListing(DebtorListing):
    """A 失信被执行人 listing of someone who is or was the business's operator (registry projection)."""
    id_number: str
    current_operator: bool = True


class BusinessFacts(EventData):
    """All agency facts of one business for one year; key `<uscc>:<year>` on a compacted topic."""
    event_type: ClassVar[str] = "getihu.data-sharing.facts.changed.v1"
    topic: ClassVar[str] = DATA_SHARING_FACTS

    uscc: str
    year: int
    tax: TaxFact | None = None
    social_insurance: SocialInsuranceFact | None = None
    trademarks: list[TrademarkFact] = []
    patents: list[PatentFact] = []
    certificates: list[CertificateFact] = []
    # Listings of the operators (current and former) for this year; optional, added after v1 consumers.
    dishonest_debtors: list[OperatorDebtorListing] = []
    version: int = 1


class PersonFacts(EventData):
    """失信被执行人 listings of one natural person; key = ID number on a compacted topic."""
    event_type: ClassVar[str] = "getihu.data-sharing.person.changed.v1"
    topic: ClassVar[str] = DATA_SHARING_PERSONS

    id_number: str
    dishonest_debtor: list[DebtorListing] = []


def facts_key(uscc: str, year: int) -> str:
    return f"{uscc}:{year}"
