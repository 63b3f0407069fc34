"""What a collector asks about a work: edition, paper, signature, availability and price."""

from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal, InvalidOperation
from typing import Any

from content.fields import InvalidArtwork, clean_text
from content.model import AVAILABILITY, Artwork

MAX_EDITION = 100_000
MAX_PAPER = 120
MAX_PRICE = Decimal("10000000")
CURRENCY = re.compile(r"[A-Z]{3}")
PRICE = re.compile(r"\d+(\.\d{1,2})?")
FIELDS = (
    "edition_size",
    "edition_number",
    "open_edition",
    "paper",
    "signed",
    "availability",
    "price",
    "currency",
)


def invalid(field: str, message: str) -> InvalidArtwork:
    """Return the error of a field that cannot be saved."""
    return InvalidArtwork(field, message)


def clean_count(field: str, label: str) -> Any:
    """Return a cleaner of an optional whole number from 1 to MAX_EDITION."""

    def clean(value: Any) -> int | None:
        if value in (None, ""):
            return None
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise invalid(field, f"The {label} must be a whole number.")
        try:
            number = int(value)
        except ValueError as error:
            raise invalid(field, f"The {label} must be a whole number.") from error
        if not 1 <= number <= MAX_EDITION:
            raise invalid(field, f"The {label} must be between 1 and {MAX_EDITION:,}.")
        return number

    return clean


def clean_flag(field: str, *, optional: bool) -> Any:
    """Return a cleaner of true/false (or null, meaning 'not said', when `optional`)."""

    def clean(value: Any) -> bool | None:
        if value is None and optional:
            return None
        if not isinstance(value, bool):
            raise invalid(field, f"'{field}' is true or false{' or null' if optional else ''}.")
        return value

    return clean


def clean_availability(value: Any) -> str:
    """Return one of AVAILABILITY, or '' for not said."""
    if value in (None, ""):
        return ""
    if value not in AVAILABILITY:
        raise invalid("availability", f"Availability is one of {', '.join(AVAILABILITY)}.")
    return str(value)


def clean_price(value: Any) -> str:
    """Return a price as a plain decimal with at most two places ('' for none)."""
    if value in (None, ""):
        return ""
    text = str(value).strip().replace(",", "") if isinstance(value, str | int) else None
    if isinstance(value, bool) or text is None or not PRICE.fullmatch(text):
        raise invalid("price", "The price is an amount such as 450 or 450.50.")
    try:
        amount = Decimal(text)
    except InvalidOperation as error:  # pragma: no cover - the pattern admits only decimals
        raise invalid("price", "The price is an amount such as 450 or 450.50.") from error
    if not 0 < amount < MAX_PRICE:
        raise invalid("price", "The price must be more than 0 and less than 10,000,000.")
    return f"{amount:.2f}".removesuffix(".00")


def clean_currency(value: Any) -> str:
    """Return an ISO 4217 currency code in capitals ('' for none)."""
    if value in (None, ""):
        return ""
    code = value.strip().upper() if isinstance(value, str) else ""
    if not CURRENCY.fullmatch(code):
        raise invalid("currency", "The currency is a three-letter code such as EUR or GBP.")
    return code


def clean_paper(value: Any) -> str:
    """Return the paper as text."""
    return clean_text(value, "paper", MAX_PAPER)


CLEANERS = {
    "edition_size": clean_count("edition_size", "edition size"),
    "edition_number": clean_count("edition_number", "number within the edition"),
    "open_edition": clean_flag("open_edition", optional=False),
    "paper": clean_paper,
    "signed": clean_flag("signed", optional=True),
    "availability": clean_availability,
    "price": clean_price,
    "currency": clean_currency,
}


def check_collector_facts(artwork: Artwork) -> Artwork:
    """Return the work if its collector facts agree with each other, else raise InvalidArtwork."""
    if artwork.open_edition and artwork.edition_size is not None:
        raise invalid("edition_size", "An open edition has no edition size; clear one of them.")
    if artwork.edition_number is not None and artwork.edition_size is None:
        raise invalid("edition_size", "Give the edition size as well as this print's number.")
    number, size = artwork.edition_number, artwork.edition_size
    if number is not None and size is not None and number > size:
        raise invalid("edition_number", "The print's number cannot be larger than the edition.")
    if artwork.price and not artwork.currency:
        raise invalid("currency", "Give the price's currency, such as EUR or GBP.")
    return artwork


def with_collector_facts(artwork: Artwork, cleaned: dict[str, Any]) -> Artwork:
    """Return the work with cleaned fields applied and its collector facts checked."""
    return check_collector_facts(replace(artwork, **cleaned))
