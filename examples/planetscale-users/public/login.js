// The sign-in form: POST /api/login sends the magic link.
const form = document.getElementById("login");
const status = document.getElementById("status");

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const email = new FormData(form).get("email");
  const response = await fetch("/api/login", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ email }),
  });
  const body = await response.json();
  status.className = response.ok ? "note" : "error";
  status.textContent = response.ok
    ? `Check ${email} for a sign-in link.`
    : `Could not send the link: ${body.error?.error_message ?? "unknown error"}`;
});
