"""Register, log in and log out through the API; the token lives in the signed session."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import (
    Blueprint,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.blueprints import BlueprintSetupState
from werkzeug.wrappers import Response

from heroku_artist.api import ApiError
from heroku_artist.client import SignedIn, api
from heroku_artist.inputs import local_next
from heroku_artist.throttle import LoginThrottle

blueprint = Blueprint("auth", __name__)

MIN_PASSWORD = 10


@blueprint.record_once
def attach_throttle(state: BlueprintSetupState) -> None:
    """Give the app one log-in throttle, sized from its config."""
    config = state.app.config
    state.app.extensions["studio_throttle"] = LoginThrottle(
        int(config["LOGIN_ATTEMPTS"]), float(config["LOGIN_WINDOW_SECONDS"])
    )


def wants_json() -> bool:
    """Return whether the caller is the studio's own script (XHR) rather than a page."""
    return request.headers.get("X-Requested-With") == "XMLHttpRequest" or request.is_json


def token() -> str:
    """Return the signed-in artist's API token."""
    return str(session["token"])


def login_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Send visitors who are not signed in to the log-in page (or answer 401 to scripts)."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if "token" not in session:
            if wants_json():
                return jsonify(error={"code": "unauthenticated", "message": "Log in again."}), 401
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        return view(*args, **kwargs)

    return wrapper


def landing() -> str:
    """Return where a signed-in user starts: admins on the admin pages, artists on their works."""
    return url_for("admin.index" if session.get("role") == "admin" else "works.index")


def safe_next(target: str | None) -> str:
    """Return a local path to go to after log-in (never another site, never a bad header)."""
    return local_next(target) or landing()


def sign_in(answer: SignedIn) -> None:
    """Start a fresh session for the artist and token the API returned."""
    artist = answer["artist"]
    session.clear()
    session.permanent = True
    session.update(
        token=answer["token"],
        artist_id=artist["id"],
        display_name=artist["display_name"],
        role=artist.get("role", "artist"),
    )


@blueprint.get("/")
def home() -> Response:
    """Send admins to the admin pages, artists to their works, everyone else to log in."""
    return redirect(landing() if "token" in session else url_for("auth.login"))


@blueprint.route("/register", methods=["GET", "POST"])
def register() -> Any:
    """Show the registration form, or create the account and sign in."""
    form = {key: request.form.get(key, "").strip() for key in ("email", "display_name")}
    if request.method == "GET":
        return render_template("auth/register.html", form=form, error=None)
    password = request.form.get("password", "")
    error = None
    if len(password) < MIN_PASSWORD:
        error = f"Choose a password of at least {MIN_PASSWORD} characters."
    elif password != request.form.get("confirm", ""):
        error = "The two passwords do not match."
    else:
        try:
            answer = api().register(form["email"], form["display_name"], password)
        except ApiError as failure:
            if failure.status == 429:
                page = render_template("auth/register.html", form=form, error=failure.message)
                return page, 429, retry_after(failure)
            if failure.status not in (400, 409, 422):
                raise
            error = failure.message
        else:
            sign_in(answer)
            flash("Welcome to your studio. Drop your first prints here.", "success")
            return redirect(url_for("upload.index"))
    return render_template("auth/register.html", form=form, error=error), 422


@blueprint.route("/login", methods=["GET", "POST"])
def login() -> Any:
    """Show the log-in form, or sign in (a few failures per address pause further tries)."""
    email = request.form.get("email", "").strip()
    next_path = local_next(request.values.get("next"))
    if request.method == "GET":
        return render_template("auth/login.html", email=email, next=next_path, error=None)
    throttle: LoginThrottle = current_app.extensions["studio_throttle"]
    address = request.remote_addr or "unknown"
    wait = throttle.wait_seconds(address, email)
    if wait:
        minutes = max(1, round(wait / 60))
        error = (
            f"Too many failed attempts. Please wait about {minutes} minute"
            f"{'s' if minutes > 1 else ''} before trying again."
        )
        page = render_template("auth/login.html", email=email, next=next_path, error=error)
        return page, 429, {"Retry-After": str(wait)}
    password = request.form.get("password", "")
    try:
        answer = api().login(email, password)
    except ApiError as failure:
        if failure.status == 429:  # the API's own limit, for this account or this studio
            page = render_template(
                "auth/login.html", email=email, next=next_path, error=failure.message
            )
            return page, 429, retry_after(failure)
        if failure.status not in (400, 401, 422):
            raise
        throttle.failed(address, email)
        error = "The e-mail address or password is incorrect."
        page = render_template("auth/login.html", email=email, next=next_path, error=error)
        return page, 401
    throttle.succeeded(address, email)
    sign_in(answer)
    return redirect(safe_next(next_path))


def retry_after(failure: ApiError) -> dict[str, str]:
    """Return the Retry-After header the API gave with a 429 (none when it gave none)."""
    return {"Retry-After": str(failure.retry_after)} if failure.retry_after else {}


@blueprint.post("/logout")
def logout() -> Response:
    """End the session."""
    session.clear()
    flash("You are logged out.", "info")
    return redirect(url_for("auth.login"))
