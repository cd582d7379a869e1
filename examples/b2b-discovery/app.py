"""Stytch's B2B discovery quickstart (Python, Flask) run against keystile: email a discovery magic link,
land in the first organization found (or a new one), a session-gated dashboard, log out; and, as in
Stytch's SSO backend guide, sign in through an organization's SSO connection.

Settings: STYTCH_PROJECT_ID, STYTCH_SECRET, STYTCH_BASE_URL (keystile's base URL), STYTCH_PUBLIC_TOKEN
(for the browser's SSO start; the SSO form is shown when it is set), FLASK_SECRET_KEY (signs Flask's
session cookie; random per start when unset), HOST, PORT.
"""

import os
import secrets
from urllib.parse import urlencode

from flask import Flask, redirect, render_template, request, session, url_for
from stytch import B2BClient
from stytch.core.response_base import StytchError

# Against keystile only `environment` changes: keystile's base URL instead of "test".
stytch_client = B2BClient(
    project_id=os.environ["STYTCH_PROJECT_ID"],
    secret=os.environ["STYTCH_SECRET"],
    environment=os.environ.get("STYTCH_BASE_URL", "test"),
)

# The browser's SSO start is on the Stytch API's own host (keystile's, here), named by public token.
API_BASE_URL = os.environ.get("STYTCH_BASE_URL", "https://test.stytch.com/").rstrip("/")
PUBLIC_TOKEN = os.environ.get("STYTCH_PUBLIC_TOKEN", "")

app = Flask(__name__)
app.secret_key = os.environ.get("FLASK_SECRET_KEY") or secrets.token_hex(32)


def stytch_error(e: StytchError) -> tuple[dict, int]:
    """The quickstart answers Stytch's error JSON; here with Stytch's status code too."""
    return e.details.original_json or {}, e.details.status_code


@app.route("/", methods=["GET"])
def index():
    return render_template("index.html", sso=bool(PUBLIC_TOKEN))


@app.route("/sso/start", methods=["GET"])
def sso_start():
    # The organization's default SSO connection, by its id or slug; Stytch sends the browser back to
    # /authenticate with stytch_token_type=sso.
    callback = url_for("authenticate", _external=True)
    query = {
        "organization_id": request.args.get("organization", ""),
        "public_token": PUBLIC_TOKEN,
        "login_redirect_url": callback,
        "signup_redirect_url": callback,
    }
    return redirect(f"{API_BASE_URL}/v1/public/sso/start?{urlencode(query)}")


@app.route("/login", methods=["POST"])
def login():
    data = request.get_json()
    email = data.get("email", None)
    if not email:
        return "Email required", 400

    try:
        stytch_client.magic_links.email.discovery.send(email_address=email)
    except StytchError as e:
        return stytch_error(e)

    return "Success! Check your email"


@app.route("/authenticate", methods=["GET"])
def authenticate():
    token = request.args.get("token", None)
    token_type = request.args.get("stytch_token_type", None)

    # Distinct token_type for each auth flow
    # so you know which authenticate() method to use
    if token_type == "sso":
        try:
            resp = stytch_client.sso.authenticate(sso_token=token)
        except StytchError as e:
            return stytch_error(e)
        if not resp.session_token:  # the organization wants a second factor, beyond this example
            return "This organization requires MFA, which this example does not do.", 403
        session["stytch_session_token"] = resp.session_token
        return redirect(url_for("dashboard"))
    if token_type != "discovery":
        return f"token_type: {token_type} not supported", 400

    try:
        resp = stytch_client.magic_links.discovery.authenticate(
            discovery_magic_links_token=token,
        )
    except StytchError as e:
        return stytch_error(e)

    ist = resp.intermediate_session_token
    discovered_orgs = resp.discovered_organizations
    if len(discovered_orgs):
        # email belongs to >= 1 organization, log into the first one
        try:
            resp = stytch_client.discovery.intermediate_sessions.exchange(
                intermediate_session_token=ist,
                organization_id=discovered_orgs[0].organization.organization_id,
            )
        except StytchError as e:
            return stytch_error(e)

        # Store the returned session in cookies and redirect to home
        session["stytch_session_token"] = resp.session_token
        return redirect(url_for("dashboard"))

    # email does not belong to any organizations, create a new one
    try:
        resp = stytch_client.discovery.organizations.create(intermediate_session_token=ist)
    except StytchError as e:
        return stytch_error(e)

    session["stytch_session_token"] = resp.session_token
    return redirect(url_for("dashboard"))


@app.route("/dashboard", methods=["GET"])
def dashboard():
    member, organization = get_authenticated_member_and_organization()
    if not member or not organization:
        return render_template("logged_out.html")

    return render_template("dashboard.html", member=member, organization=organization)


@app.route("/logout", methods=["GET"])
def logout():
    # Beyond the quickstart: revoke the session in Stytch, so a copy of the old cookie is refused too.
    stytch_session = session.pop("stytch_session_token", None)
    if stytch_session:
        try:
            stytch_client.sessions.revoke(session_token=stytch_session)
        except StytchError as e:
            app.logger.warning("could not revoke the session: %s", e.details.error_type)
    return redirect(url_for("dashboard"))


def get_authenticated_member_and_organization():
    stytch_session = session.get("stytch_session_token")
    if not stytch_session:
        return None, None

    try:
        resp = stytch_client.sessions.authenticate(session_token=stytch_session)
    except StytchError:
        # Session has expired or is invalid, clear it
        session.pop("stytch_session_token", None)
        return None, None

    return resp.member, resp.organization


if __name__ == "__main__":
    app.run(host=os.environ.get("HOST", "127.0.0.1"), port=int(os.environ.get("PORT", "3000")))
