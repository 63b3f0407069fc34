"""Arrange: the order of the artist's published works on their public page.

The page lists the works as visitors see them, in the current order. "Move up", "Move down"
and "Move to top" work without a script (each posts the list as shown and the move, and the
page comes back rearranged, not yet saved); with the script they move the item in place, and
items can be dragged. "Save order" sends the whole list to PUT /me/work-order.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from heroku_artist.api import ApiError
from heroku_artist.auth import login_required, token
from heroku_artist.client import api
from heroku_artist.present import thumbnail_url

blueprint = Blueprint("arrange", __name__)

MAX_PAGES = 10  # 10 pages of 100: the API keeps at most 1000 works in an order
MOVES = ("up", "down", "top")


def published_in_order(slug: str) -> list[dict[str, Any]]:
    """Return the artist's published works as their page lists them, first to last."""
    works: list[dict[str, Any]] = []
    cursor: str | None = None
    for _ in range(MAX_PAGES):
        page = api().public_works(slug, cursor)
        works.extend(page["items"])
        cursor = page.get("next_cursor")
        if not cursor:
            break
    return works


def moved(order: list[str], move: str) -> tuple[list[str], str | None]:
    """Return the order after a move such as "up:ID", and the id that moved (None: no move)."""
    direction, _, artwork_id = move.partition(":")
    if direction not in MOVES or artwork_id not in order:
        return order, None
    index = order.index(artwork_id)
    target = {"up": max(index - 1, 0), "down": min(index + 1, len(order) - 1), "top": 0}
    rest = order[:index] + order[index + 1 :]
    rest.insert(target[direction], artwork_id)
    return rest, artwork_id


def cards(works: list[dict[str, Any]], order: list[str]) -> list[dict[str, Any]]:
    """Return the works in `order` as the page shows them (ids it does not know are dropped)."""
    by_id = {work["id"]: work for work in works}
    ordered = [by_id[i] for i in order if i in by_id]
    ordered += [work for work in works if work["id"] not in order]
    return [
        {"id": w["id"], "title": w.get("title") or "Untitled", "thumbnail": thumbnail_url(w)}
        for w in ordered
    ]


@blueprint.route("/arrange", methods=["GET", "POST"])
@login_required
def index() -> Any:
    """Show the published works in their order; move one, or save the order shown."""
    slug = api().profile(token())["slug"]
    works = published_in_order(slug)
    if request.method == "GET":
        return render_template("arrange/index.html", works=cards(works, []), focus=None)
    order = [i for i in request.form.getlist("order") if i]
    if request.form.get("action") == "save":
        return save(order)
    order, focus = moved(order, request.form.get("move", ""))
    page = render_template(
        "arrange/index.html",
        works=cards(works, order),
        focus=(focus, request.form.get("move", "").partition(":")[0]),
        unsaved=True,
    )
    return page


def save(order: list[str]) -> Response | tuple[str, int]:
    """Save the order; come back to the page with a note, or show the API's refusal."""
    try:
        api().set_work_order(token(), order)
    except ApiError as error:
        if error.status not in (409, 422):
            raise
        flash(error.message, "error")
        return redirect(url_for("arrange.index"))
    flash("Saved. Your page shows your works in this order.", "success")
    return redirect(url_for("arrange.index"))
