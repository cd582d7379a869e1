"""The app's side of Connected Apps (Stytch's "custom flow via the API" guide) run against keystile:
its Authorization URL signs the user in by password, shows a consent screen built from
`idp.oauth.authorize_start` (the client and the scopes it asks for), and on Allow or Deny finishes with
`idp.oauth.authorize`, sending the browser back to the client with a code (or access_denied).

Settings: STYTCH_PROJECT_ID, STYTCH_SECRET, STYTCH_BASE_URL (keystile's base URL), FLASK_SECRET_KEY
(signs Flask's session cookie; random per start when unset), HOST, PORT.
"""

import os
import secrets

from flask import Flask, abort, redirect, render_template, request, session, url_for
from stytch import Client
from stytch.core.response_base import StytchError

# Against keystile only `environment` changes: keystile's base URL instead of "test".
stytch_client = Client(
    project_id=os.environ["STYTCH_PROJECT_ID"],
    secret=os.environ["STYTCH_SECRET"],
    environment=os.environ.get("STYTCH_BASE_URL", "test"),
)

# The authorization request's parameters, passed on from the query to the consent form unchanged.
AUTHORIZE_PARAMS = ("client_id", "redirect_uri", "response_type", "scope", "state", "nonce", "code_challenge")
SESSION_ENDED = {"session_not_found", "invalid_session_token"}

app = Flask(__name__)
app.secret_key = os.environ.get("FLASK_SECRET_KEY") or secrets.token_hex(32)


def error_page(e: StytchError):
    return render_template("error.html", error=e.details), e.details.status_code


def to_login():
    return redirect(url_for("login", next=request.full_path))


@app.route("/", methods=["GET"])
def index():
    return render_template("index.html", email=session.get("email"))


@app.route("/login", methods=["GET", "POST"])
def login():
    next_url = request.values.get("next", "/")
    if not next_url.startswith("/") or next_url.startswith("//"):
        next_url = "/"
    if request.method == "GET":
        return render_template("login.html", next=next_url)
    email, password = request.form["email"], request.form["password"]
    # "Create account" signs up (passwords.create), "Sign in" signs in; both start a session.
    if request.form.get("action") == "signup":
        sign_in = stytch_client.passwords.create
    else:
        sign_in = stytch_client.passwords.authenticate
    try:
        signed_in = sign_in(email=email, password=password, session_duration_minutes=60)
    except StytchError as e:
        return render_template("login.html", next=next_url, error=e.details.error_message), 401
    session.update(session_token=signed_in.session_token, email=email)
    return redirect(next_url)


@app.route("/logout", methods=["POST"])
def logout():
    token = session.pop("session_token", None)
    session.clear()
    if token:
        try:
            stytch_client.sessions.revoke(session_token=token)
        except StytchError:
            pass  # already ended
    return redirect("/")


def authorization_request(values) -> dict:
    """The SDK's arguments common to `authorize_start` and `authorize`."""
    return {
        "client_id": values.get("client_id", ""),
        "redirect_uri": values.get("redirect_uri", ""),
        "response_type": values.get("response_type", ""),
        "scopes": values.get("scope", "").split(),
        "session_token": session["session_token"],
    }


@app.route("/oauth/authorize", methods=["GET"])
def authorize_start():
    """The project's Authorization URL: the client sends the browser here."""
    if "session_token" not in session:
        return to_login()
    try:
        started = stytch_client.idp.oauth.authorize_start(**authorization_request(request.args))
    except StytchError as e:
        if e.details.error_type in SESSION_ENDED:
            session.clear()
            return to_login()
        return error_page(e)
    if not started.consent_required:
        return finish(request.args, consent_granted=True)
    session["csrf"] = secrets.token_urlsafe(32)
    passed_on = {name: request.args[name] for name in AUTHORIZE_PARAMS if name in request.args}
    return render_template(
        "consent.html", started=started, params=passed_on, csrf=session["csrf"], email=session.get("email")
    )


@app.route("/oauth/authorize", methods=["POST"])
def authorize_submit():
    """Allow or Deny on the consent screen."""
    if "session_token" not in session:
        return to_login()
    if not secrets.compare_digest(request.form.get("csrf", ""), session.pop("csrf", "")):
        abort(403)
    return finish(request.form, consent_granted=request.form.get("consent") == "allow")


def finish(values, *, consent_granted: bool):
    try:
        authorized = stytch_client.idp.oauth.authorize(
            consent_granted=consent_granted,
            state=values.get("state"),
            nonce=values.get("nonce"),
            code_challenge=values.get("code_challenge"),
            **authorization_request(values),
        )
    except StytchError as e:
        return error_page(e)
    return redirect(authorized.redirect_uri)


if __name__ == "__main__":
    app.run(host=os.environ.get("HOST", "localhost"), port=int(os.environ.get("PORT", "3000")))
