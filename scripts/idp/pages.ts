import type { DemoUser } from "./users";

/**
 * The built-in identity provider's pages: the demo-user picker, errors, the home and
 * sign-out pages. Plain HTML strings with every value escaped; server.ts sends them.
 */

export function escapeHtml(value: unknown): string {
  return String(value)
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

export const PAGE_TITLE = "Sign in to Pave (built-in demo identity provider)";

const STYLES = `
:root{color-scheme:light dark;--bg:#f6f7f9;--card:#fff;--text:#1b1f24;--muted:#5b6470;--border:#d6dae0;--accent:#2f5bd3;--accent-bg:#eef2fd;--danger:#b42318}
@media (prefers-color-scheme:dark){:root{--bg:#0f1115;--card:#181b21;--text:#e8eaed;--muted:#a2a9b4;--border:#2d323b;--accent:#8fb0ff;--accent-bg:#1d2535;--danger:#ff8a80}}
*{box-sizing:border-box}
body{margin:0;min-height:100vh;display:flex;align-items:flex-start;justify-content:center;padding:3rem 1rem;background:var(--bg);color:var(--text);font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
main{width:100%;max-width:34rem;background:var(--card);border:1px solid var(--border);border-radius:12px;padding:2rem}
.badge{display:inline-block;font-size:.75rem;font-weight:600;letter-spacing:.04em;text-transform:uppercase;color:var(--muted);border:1px solid var(--border);border-radius:999px;padding:.1rem .6rem;margin:0 0 .75rem}
h1{font-size:1.5rem;line-height:1.25;margin:0 0 .5rem}
h2{font-size:1rem;margin:1.5rem 0 .75rem}
p{margin:0 0 .75rem}
.muted{color:var(--muted)}
ul{list-style:none;margin:0;padding:0;display:grid;gap:.75rem}
form{margin:0}
button{font:inherit;color:inherit;cursor:pointer}
.user{width:100%;text-align:left;display:grid;gap:.15rem;padding:.85rem 1rem;background:var(--card);border:1px solid var(--border);border-radius:10px}
.user:hover{border-color:var(--accent);background:var(--accent-bg)}
.user:focus-visible,.link:focus-visible,a:focus-visible{outline:3px solid var(--accent);outline-offset:2px}
.name{font-weight:600}
.email,.groups{color:var(--muted);font-size:.9rem}
.groups code{font:inherit}
.link{background:none;border:0;padding:0;color:var(--accent);text-decoration:underline}
a{color:var(--accent)}
.actions{margin-top:1.5rem;display:flex;gap:1rem;flex-wrap:wrap;align-items:center}
.primary{padding:.55rem 1rem;border-radius:8px;border:1px solid var(--accent);background:var(--accent);color:var(--card);font-weight:600}
.error h1{color:var(--danger)}
`;

function layout(title: string, main: string, extraHead = ""): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(title)}</title>
<style>${STYLES}</style>${extraHead}
</head>
<body>
<main>
${main}
</main>
</body>
</html>
`;
}

export function loginPage(uid: string, users: DemoUser[]): string {
  const base = `/interaction/${encodeURIComponent(uid)}`;
  const items = users
    .map((user) => {
      const groups = user.groups.length
        ? user.groups.map((g) => `<code>${escapeHtml(g)}</code>`).join(", ")
        : "none";
      return `<li><form method="post" action="${escapeHtml(`${base}/login`)}">
<input type="hidden" name="account" value="${escapeHtml(user.id)}">
<button type="submit" class="user">
<span class="name">${escapeHtml(user.name)}</span>
<span class="email">${escapeHtml(user.email)}</span>
<span>${escapeHtml(user.description)}</span>
<span class="groups">Groups: ${groups}</span>
</button>
</form></li>`;
    })
    .join("\n");
  return layout(
    PAGE_TITLE,
    `<p class="badge">Development only</p>
<h1>Sign in to Pave</h1>
<p>This is Pave's built-in development identity provider, so you can sign in without any setup; in production, Pave signs you in through your company SSO.</p>
<h2 id="choose">Choose a demo user</h2>
<ul aria-labelledby="choose">
${items}
</ul>
<div class="actions">
<form method="post" action="${escapeHtml(`${base}/abort`)}"><button type="submit" class="link">Cancel sign-in</button></form>
</div>`,
  );
}

export function errorPage(title: string, message: string, appOrigin: string, retryUid?: string): string {
  const retry = retryUid
    ? `<a href="/interaction/${escapeHtml(encodeURIComponent(retryUid))}">Choose a demo user again</a>`
    : "";
  return layout(
    `${title} – Pave built-in identity provider`,
    `<div class="error">
<p class="badge">Pave built-in identity provider</p>
<h1>${escapeHtml(title)}</h1>
<p>${escapeHtml(message)}</p>
<div class="actions">${retry}<a href="${escapeHtml(appOrigin)}">Back to Pave (${escapeHtml(appOrigin)})</a></div>
</div>`,
  );
}

export function homePage(issuer: string, appOrigin: string): string {
  const discovery = `${issuer}/.well-known/openid-configuration`;
  return layout(
    "Pave built-in identity provider",
    `<p class="badge">Development only</p>
<h1>Pave built-in identity provider</h1>
<p>This development identity provider is running. Sign in from Pave; in production, Pave uses your company SSO instead.</p>
<p class="muted">Issuer: <code>${escapeHtml(issuer)}</code><br>Discovery: <a href="${escapeHtml(discovery)}">${escapeHtml(discovery)}</a></p>
<div class="actions"><a href="${escapeHtml(appOrigin)}">Open Pave</a></div>`,
  );
}

// `form` is oidc-provider's own hidden form (id "op.logoutForm", with its xsrf token).
export function logoutPage(form: string): string {
  return layout(
    "Sign out – Pave built-in identity provider",
    `<p class="badge">Pave built-in identity provider</p>
<h1>Sign out of the demo identity provider?</h1>
<p>You will need to choose a demo user again the next time you sign in.</p>
${form}
<div class="actions">
<button autofocus type="submit" class="primary" form="op.logoutForm" name="logout" value="yes">Sign out</button>
<button type="submit" class="link" form="op.logoutForm">Stay signed in</button>
</div>`,
  );
}

export function loggedOutPage(appOrigin: string): string {
  return layout(
    "Signed out – Pave built-in identity provider",
    `<p class="badge">Pave built-in identity provider</p>
<h1>You are signed out</h1>
<p>You have been signed out of the built-in demo identity provider.</p>
<div class="actions"><a href="${escapeHtml(appOrigin)}">Back to Pave</a></div>`,
  );
}
