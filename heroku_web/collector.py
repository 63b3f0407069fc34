"""A work's collector facts in a visitor's words: edition, paper, signature, price, enquiry."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

SYMBOLS = {"EUR": "€", "GBP": "£", "USD": "$", "JPY": "¥"}
AVAILABILITY = {"available": "Available", "sold": "Sold", "not_for_sale": "Not for sale"}


def edition(artwork: dict[str, Any]) -> str:
    """Return the edition as a collector says it ('' when not said)."""
    size, number = artwork.get("edition_size"), artwork.get("edition_number")
    if artwork.get("open_edition"):
        return "Open edition"
    if size and number:
        return f"{number} of {size}"
    if size:
        return f"Limited edition of {size}"
    return ""


def signed(artwork: dict[str, Any]) -> str:
    """Return whether the print is signed ('' when not said)."""
    value = artwork.get("signed")
    return "" if value is None else "Signed by the artist" if value else "Not signed"


def price(artwork: dict[str, Any]) -> str:
    """Return the price with its currency, such as '€450' or '450 CHF' ('' without one)."""
    amount, currency = str(artwork.get("price") or ""), str(artwork.get("currency") or "")
    if not amount or not currency:
        return ""
    whole, _, cents = amount.partition(".")
    shown = f"{int(whole):,}" + (f".{cents.ljust(2, '0')}" if cents else "")
    symbol = SYMBOLS.get(currency)
    return f"{symbol}{shown}" if symbol else f"{shown} {currency}"


def enquiry_link(artwork: dict[str, Any], artist: dict[str, Any] | None) -> str:
    """Return a mailto: link to the artist about this work ('' without a public contact)."""
    contact = str((artist or {}).get("contact_email") or "")
    if not contact or "@" not in contact:
        return ""
    subject = quote(f"Enquiry about “{artwork.get('title') or 'your print'}”")
    return f"mailto:{quote(contact, safe='@.+-_')}?subject={subject}"


def collector_facts(artwork: dict[str, Any], artist: dict[str, Any] | None) -> dict[str, Any]:
    """Return what the artwork page tells a collector: facts (label, words) and how to buy."""
    availability = str(artwork.get("availability") or "")
    for_sale = availability not in ("sold", "not_for_sale")
    rows = [
        ("Edition", edition(artwork)),
        ("Paper", str(artwork.get("paper") or "")),
        ("Signed", signed(artwork)),
        ("Availability", AVAILABILITY.get(availability, "")),
        ("Price", price(artwork) if for_sale else ""),
    ]
    return {
        "rows": [(label, words) for label, words in rows if words],
        "enquire": enquiry_link(artwork, artist) if for_sale else "",
    }
