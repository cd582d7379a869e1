// The users page: the signed-in user, the users table with add and delete, and log out.
const signedIn = document.getElementById("signed-in");
const signedOut = document.getElementById("signed-out");

// Every call goes through the session gate; a 401 shows the signed-out view with the API's message.
async function api(path, options = {}) {
  const response = await fetch(path, {
    ...options,
    headers: { "Content-Type": "application/json" },
  });
  if (response.status === 401) {
    const body = await response.json();
    document.getElementById("unauthenticated").textContent = body.error;
    signedIn.hidden = true;
    signedOut.hidden = false;
    return null;
  }
  if (!response.ok && response.status !== 304) {
    throw new Error(`${options.method ?? "GET"} ${path} answered ${response.status}`);
  }
  return response.status === 304 ? {} : response.json();
}

function userRow(user) {
  const row = document.createElement("tr");
  for (const value of [user.id, user.name ?? "", user.email]) {
    const cell = document.createElement("td");
    cell.textContent = value;
    row.append(cell);
  }
  const remove = document.createElement("button");
  remove.className = "secondary";
  remove.textContent = "Delete";
  remove.setAttribute("aria-label", `Delete ${user.email}`);
  remove.addEventListener("click", async () => {
    if (await api(`/api/users/${user.id}`, { method: "DELETE" })) {
      await showUsers();
    }
  });
  const actions = document.createElement("td");
  actions.append(remove);
  row.append(actions);
  return row;
}

async function showUsers() {
  const users = await api("/api/users");
  if (users) {
    document.getElementById("users").replaceChildren(...users.map(userRow));
    document.getElementById("empty").hidden = users.length > 0;
  }
}

document.getElementById("add-user").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = event.target;
  const { name, email } = Object.fromEntries(new FormData(form));
  if (await api("/api/users", { method: "POST", body: JSON.stringify({ name, email }) })) {
    form.reset();
    await showUsers();
  }
});

document.getElementById("logout").addEventListener("click", async () => {
  await fetch("/api/logout", { method: "POST" });
  window.location.assign("/");
});

const me = await api("/api/me");
if (me) {
  document.getElementById("me").textContent = me.email;
  signedIn.hidden = false;
  await showUsers();
}
