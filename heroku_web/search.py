"""Search: text with typo tolerance, facets, colour, sort and paging, all state in the URL."""

from __future__ import annotations

import html
import re
from typing import Any

from flask import Blueprint, current_app, redirect, request, url_for
from flask.typing import ResponseReturnValue
from markupsafe import Markup, escape
from werkzeug.datastructures import MultiDict

from heroku_web.api import ApiError, ApiRejected
from heroku_web.client import api
from heroku_web.colours import NAMED, colour_name
from heroku_web.pages import page, public_url

blueprint = Blueprint("search", __name__)

PARAMS = ("q", "artist", "tag", "medium", "orientation", "year_from", "year_to", "colour", "sort")
REPEATED = ("tag", "colour")
SORTS = (("relevance", "Best match"), ("newest", "Newest"))
COLOUR = re.compile(r"^#?([0-9a-fA-F]{6})(:(?:0|1)?(?:\.\d{1,3})?)?$")
MAX_COLOURS = 5
MAX_TEXT = 200
SWATCHES = NAMED[:12]
MARK = re.compile(r"(</?mark>)")


def clean_value(name: str, value: str) -> str:
    """Return a parameter's canonical value ('' drops it)."""
    value = value.strip()
    if name == "q":
        return value[:MAX_TEXT]
    if name == "colour":
        match = COLOUR.match(value)
        return (match.group(1).lower() + (match.group(2) or "")) if match else ""
    if name == "tag":
        return value.lower()
    if name == "sort":
        return value if value in dict(SORTS) and value != "relevance" else ""
    return value


def search_state(args: MultiDict[str, str]) -> MultiDict[str, str]:
    """Return the search state of a query string, cleaned, in its original order."""
    state: MultiDict[str, str] = MultiDict()
    for name, raw in args.items(multi=True):
        if name not in (*PARAMS, "cursor"):
            continue
        value = clean_value(name, raw) if name != "cursor" else raw.strip()
        if not value or value in state.getlist(name):
            continue
        if name not in REPEATED and name in state:
            continue
        if name == "colour" and len(state.getlist("colour")) >= MAX_COLOURS:
            continue
        state.add(name, value)
    return state


def url_with(state: MultiDict[str, str], **changes: Any) -> str:
    """Return the URL of `state` changed: a value sets, None drops, ('+'|'-', v) toggles."""
    new: MultiDict[str, str] = MultiDict(state)
    new.poplist("cursor")
    for name, change in changes.items():
        if isinstance(change, tuple):
            op, value = change
            values = [v for v in new.poplist(name) if v != value]
            new.setlist(name, [*values, value] if op == "+" else values)
        elif change is None:
            new.poplist(name)
        else:
            new.setlist(name, [str(change)])
    return results_url(new)


def results_url(state: MultiDict[str, str]) -> str:
    """Return the search page's URL for `state` (repeated names repeat in the query)."""
    values: dict[str, Any] = state.to_dict(flat=False)
    return url_for("search.results", **values)


def highlighted(text: str) -> Markup:
    """Return API highlight HTML made safe: only <mark> tags survive, all else is escaped."""
    parts = MARK.split(text or "")
    return Markup("".join(p if MARK.fullmatch(p) else str(escape(html.unescape(p))) for p in parts))


def api_params(state: MultiDict[str, str]) -> list[tuple[str, str]]:
    """Return the API's query parameters for a search state."""
    limit = str(current_app.config["PAGE_SIZE"])
    return [*state.items(multi=True), ("limit", limit)]


def gallery_facets() -> dict[str, Any] | None:
    """Return the facet counts of the whole gallery (None if the API cannot say)."""
    try:
        facets: dict[str, Any] = api().search([("limit", "1")])["facets"]
    except ApiError:
        return None
    return facets


def artist_names(result: dict[str, Any], everywhere: dict[str, Any] | None) -> dict[str, str]:
    """Return artist names by slug from the hits and the labels of the artist facet buckets."""
    names = {hit["artist"]["slug"]: hit["artist"]["display_name"] for hit in result["items"]}
    for facets in (everywhere or {}, result.get("facets") or {}):
        for bucket in facets.get("artist") or ():
            if bucket.get("label"):
                names[str(bucket["value"])] = bucket["label"]
    return names


@blueprint.app_template_filter("colour_name")
def colour_name_filter(value: str) -> str:
    """Name a hex colour in words for a page ("teal", "near ochre")."""
    return colour_name(value)


@blueprint.get("/search")
def results() -> ResponseReturnValue:
    """Search the gallery from the URL's state: results, facets, colour and paging."""
    state = search_state(request.args)
    if list(state.items(multi=True)) != list(request.args.items(multi=True)):
        return redirect(results_url(state), 302)
    status, error = 200, None
    try:
        result = api().search(api_params(state))
    except ApiRejected as rejected:
        status, error = 400, rejected.message or "That search could not be run."
        result = {"items": [], "total": 0, "facets": {}, "next_cursor": None}
    everywhere = None
    if not error and not result["total"] and any(name != "sort" for name in state):
        everywhere = gallery_facets()
    names = artist_names(result, everywhere)
    return page(
        "search.html",
        status=status,
        error=error,
        state=state,
        result=result,
        names=names,
        sorts=SORTS,
        swatches=SWATCHES,
        url_with=url_with,
        highlighted=highlighted,
        interpreted=result.get("interpreted"),
        everywhere=everywhere,
        filtered=any(name != "sort" and name != "cursor" for name in state),
        canonical_url=public_url(request.full_path.rstrip("?")),
    )
