// Sign-in by email magic link, the session cookie, and the gate in front of every users route.
import { parse, serialize } from "cookie";
import { StytchError } from "stytch";
import loadStytch from "./loadStytch.mjs";

const SESSION_MINUTES = 10080; // 7 days, as in the guide
export const COOKIE_NAME = process.env.COOKIE_NAME || "planetscale_users_session";
// The cookie Stytch's frontend SDK keeps; the guide clears it on logout too.
const STYTCH_SESSION_NAME = "stytch_session";
const APP_URL = process.env.APP_URL || `http://localhost:${process.env.PORT || 3000}`;
const cookieOptions = {
  path: "/",
  httpOnly: true,
  sameSite: "lax",
  secure: APP_URL.startsWith("https:"),
};

function sessionToken(req) {
  return parse(req.headers.cookie ?? "")[COOKIE_NAME];
}

// inviteUser: email a magic link that signs the address in, or up, into this app.
export async function inviteUser(req, res) {
  const params = {
    email: req.body?.email,
    login_magic_link_url: `${APP_URL}/api/authenticate_magic_link`,
    signup_magic_link_url: `${APP_URL}/api/authenticate_magic_link`,
  };
  try {
    await loadStytch().magicLinks.email.loginOrCreate(params);
    res.status(200).json({ message: "magic link sent" });
  } catch (error) {
    res.status(400).json({ error });
  }
}

// authenticate: the link's landing route; a 7-day session, its token in the cookie, then the users page.
export async function authenticate(req, res) {
  try {
    const resp = await loadStytch().magicLinks.authenticate({
      token: String(req.query.token ?? ""),
      session_duration_minutes: SESSION_MINUTES,
    });
    res.setHeader(
      "Set-Cookie",
      serialize(COOKIE_NAME, resp.session_token, { ...cookieOptions, maxAge: SESSION_MINUTES * 60 }),
    );
    res.redirect("/profile");
  } catch (error) {
    res.status(400).json({ error });
  }
}

// The session behind the request's cookie, or null; keystile being unreachable is an error, not a 401.
async function validSession(token) {
  try {
    return await loadStytch().sessions.authenticate({ session_token: token });
  } catch (error) {
    if (error instanceof StytchError) {
      return null;
    }
    throw error;
  }
}

// Added to each users route so that unauthenticated API calls are refused.
export async function requireSession(req, res, next) {
  const token = sessionToken(req);
  const session = token ? await validSession(token) : null;
  if (!session) {
    res.status(401).json({ error: "user unauthenticated" });
    return;
  }
  res.locals.user = session.user;
  next();
}

export function currentUser(req, res) {
  const { user } = res.locals;
  res.status(200).json({ user_id: user.user_id, email: user.emails[0]?.email ?? null });
}

// logout: revoke the session in Stytch (a copied cookie stops working too) and clear the cookies.
export async function logout(req, res) {
  const token = sessionToken(req);
  if (token) {
    try {
      await loadStytch().sessions.revoke({ session_token: token });
    } catch (error) {
      if (!(error instanceof StytchError)) {
        throw error;
      }
    }
  }
  res
    .status(200)
    .setHeader("Set-Cookie", [
      serialize(COOKIE_NAME, "", { ...cookieOptions, maxAge: 0 }),
      serialize(STYTCH_SESSION_NAME, "", { path: "/", maxAge: 0 }),
    ])
    .json({ message: "logged out" });
}
