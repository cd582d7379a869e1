"""Sign in with Google (Python, Flask) against keystile, as Stytch's consumer OAuth backend guide has it:
a link to the OAuth start endpoint, Stytch's redirect back to /authenticate with
`stytch_token_type=oauth`, `oauth.authenticate` into a session, a session-gated profile page, log out.

Settings: STYTCH_PROJECT_ID, STYTCH_SECRET, STYTCH_PUBLIC_TOKEN (names the project in the browser's
start URL), STYTCH_BASE_URL (keystile's base URL), FLASK_SECRET_KEY (signs Flask's session cookie;
random per start when unset), HOST, PORT.
"""

import os
import secrets
from urllib.parse import urlencode

from flask import Flask, redirect, render_template, request, session, url_for
from stytch import Client
from stytch.core.response_base import StytchError

# Against keystile only `environment` changes: keystile's base URL instead of "test".
stytch_client = Client(
    project_id=os.environ["STYTCH_PROJECT_ID"],
    secret=os.environ["STYTCH_SECRET"],
    environment=os.environ.get("STYTCH_BASE_URL", "test"),
)

# The browser's OAuth start is on the Stytch API's own host (keystile's, here), named by public token.
API_BASE_URL = os.environ.get("STYTCH_BASE_URL", "https://test.stytch.com/").rstrip("/")
PUBLIC_TOKEN = os.environ["STYTCH_PUBLIC_TOKEN"]

app = Flask(__name__)
app.secret_key = os.environ.get("FLASK_SECRET_KEY") or secrets.token_hex(32)


def stytch_error(e: StytchError) -> tuple[dict, int]:
    """Stytch's error JSON, with Stytch's status code."""
    return e.details.original_json or {}, e.details.status_code


@app.route("/", methods=["GET"])
def index():
    # New and returning users come back to the same route: oauth.authenticate handles both.
    callback = url_for("authenticate", _external=True)
    query = {"public_token": PUBLIC_TOKEN, "login_redirect_url": callback, "signup_redirect_url": callback}
    start_url = f"{API_BASE_URL}/v1/public/oauth/google/start?{urlencode(query)}"
    return render_template("index.html", start_url=start_url)


@app.route("/authenticate", methods=["GET"])
def authenticate():
    token_type = request.args.get("stytch_token_type")
    if token_type != "oauth":
        return f"token_type: {token_type} not supported", 400
    try:
        resp = stytch_client.oauth.authenticate(
            token=request.args.get("token", ""), session_duration_minutes=60
        )
    except StytchError as e:
        return stytch_error(e)
    session["stytch_session_token"] = resp.session_token
    return redirect(url_for("profile"))


@app.route("/profile", methods=["GET"])
def profile():
    user = authenticated_user()
    if user is None:
        return render_template("logged_out.html")
    return render_template("profile.html", user=user)


@app.route("/logout", methods=["GET"])
def logout():
    # Revoke the session in Stytch too, so a copy of the old cookie is refused.
    stytch_session = session.pop("stytch_session_token", None)
    if stytch_session:
        try:
            stytch_client.sessions.revoke(session_token=stytch_session)
        except StytchError as e:
            app.logger.warning("could not revoke the session: %s", e.details.error_type)
    return redirect(url_for("profile"))


def authenticated_user():
    stytch_session = session.get("stytch_session_token")
    if not stytch_session:
        return None
    try:
        return stytch_client.sessions.authenticate(session_token=stytch_session).user
    except StytchError:
        # The session has expired or was revoked: forget it.
        session.pop("stytch_session_token", None)
        return None


if __name__ == "__main__":
    app.run(host=os.environ.get("HOST", "127.0.0.1"), port=int(os.environ.get("PORT", "3000")))
