import { expect, test, type Request } from "@playwright/test";
import { people, signInAs } from "./fixtures/auth";
import { sessionCount } from "./fixtures/db";

test.describe("sign-in and the app shell", () => {
  test("a member signs in through the OIDC redirect flow, sees the shell and no Admin section", async ({ page }) => {
    await signInAs(page, "member", "/catalog");
    await expect(page).toHaveURL("http://localhost:3000/catalog");
    await expect(page.getByRole("heading", { name: "Catalog", level: 1 })).toBeVisible();
    await expect(page.getByTestId("role-badge")).toHaveText("member");

    const nav = page.getByRole("navigation", { name: "Sections" });
    for (const section of ["Catalog", "Create", "Self-service", "DORA", "Flags"]) {
      await expect(nav.getByRole("link", { name: section })).toBeVisible();
    }
    await expect(nav.getByRole("link", { name: "Admin" })).toHaveCount(0);
    expect(await sessionCount(people.member.email)).toBeGreaterThan(0);
  });

  test("an admin sees their role and the Admin section with people and the audit log", async ({ page }) => {
    await signInAs(page, "admin");
    await expect(page.getByTestId("role-badge")).toHaveText("admin");
    await page.getByRole("navigation", { name: "Sections" }).getByRole("link", { name: "Admin" }).click();
    await expect(page.getByRole("heading", { name: "Admin", level: 1 })).toBeVisible();
    await expect(page.getByRole("table", { name: "People" }).getByText(people.member.email)).toBeVisible();
    await expect(page.getByRole("table", { name: "Audit log" }).getByText("auth.sign_in").first()).toBeVisible();
  });

  test("the user menu switches to dark mode and back", async ({ page }) => {
    await signInAs(page, "member");
    await page.getByRole("button", { name: /Account menu/ }).click();
    await page.getByRole("menuitemradio", { name: "Dark" }).click();
    await expect(page.locator("html")).toHaveClass(/dark/);
    await page.getByRole("button", { name: /Account menu/ }).click();
    await page.getByRole("menuitemradio", { name: "Light" }).click();
    await expect(page.locator("html")).not.toHaveClass(/dark/);
  });

  test("sign-out ends the session in the database and protected pages send you to sign-in", async ({ page }) => {
    await signInAs(page, "platform");
    const before = await sessionCount(people.platform.email);
    await page.getByRole("button", { name: /Account menu/ }).click();
    await page.getByRole("menuitem", { name: "Sign out" }).click();
    await expect(page).toHaveURL(/\/sign-in\?signedOut=1/);
    await expect(page.getByRole("status")).toHaveText("You have signed out.");
    expect(await sessionCount(people.platform.email)).toBe(before - 1);

    await page.goto("/dora");
    await expect(page).toHaveURL(/\/sign-in\?callbackUrl=%2Fdora/);
  });
});

test.describe("after sign-in", () => {
  test("a hostile callbackUrl stays on Pave", async ({ page }) => {
    // Each of these left the site before callbackUrl was parsed as a URL against NEXTAUTH_URL.
    const hostile = ["/%5Cevil.example", "/%09/evil.example", "//evil.example", "/.//evil.example", "javascript:alert(1)"];
    await page.route((url) => url.hostname === "evil.example", (route) => route.fulfill({ status: 200, body: "left the site" }));
    await signInAs(page, "member");
    for (const value of hostile) {
      await page.goto(`/sign-in?callbackUrl=${value.replace(/\//g, "%2F")}`);
      await expect(page, value).toHaveURL("http://localhost:3000/");
    }
  });
});

test.describe("Content-Security-Policy", () => {
  test("every page carries a nonce policy, nothing Pave renders breaks it, and injected HTML cannot run script", async ({ page }) => {
    test.setTimeout(120_000);
    const violations: string[] = [];
    page.on("console", (message) => {
      if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
    });
    await signInAs(page, "member");
    const pages = ["/", "/catalog", "/catalog/component/default/checkout-service?tab=docs", "/create", "/dora", "/flags", "/scorecards", "/self-service", "/docs"];
    for (const path of pages) {
      const response = await page.goto(path);
      const policy = response?.headers()["content-security-policy"] ?? "";
      expect(policy, path).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]{16,}' 'strict-dynamic'/);
      expect(policy, path).toContain("frame-ancestors 'none'");
      await expect(page.locator("main")).toBeVisible();
    }
    // The Docs tab draws its Mermaid diagram under the policy (once the background job has built the docs).
    await page.goto("/catalog/component/default/checkout-service?tab=docs&path=architecture");
    await expect(async () => {
      await page.reload();
      await expect(page.getByRole("img", { name: "Diagram" }).locator("svg").first()).toBeVisible({ timeout: 5_000 });
    }).toPass({ timeout: 60_000 });
    // Switching the theme still works (next-themes' script carries the nonce).
    await page.getByRole("button", { name: /Account menu/ }).click();
    await page.getByRole("menuitemradio", { name: "Dark" }).click();
    await expect(page.locator("html")).toHaveClass(/dark/);
    await page.reload();
    await expect(page.locator("html")).toHaveClass(/dark/);
    expect(violations).toEqual([]);

    // HTML that slips into a page cannot run script: an inline event handler is refused.
    const ran = await page.evaluate(async () => {
      document.body.insertAdjacentHTML("beforeend", '<img src="/no-such-image.png" onerror="window.__paveInjected = true">');
      await new Promise((resolve) => setTimeout(resolve, 500));
      return (window as unknown as { __paveInjected?: boolean }).__paveInjected === true;
    });
    expect(ran).toBe(false);
    expect(violations.join("\n")).toMatch(/inline event handler violates the following Content Security Policy/);
  });
});

test.describe("access control", () => {
  test("a member gets a 403 page for /admin", async ({ page }) => {
    await signInAs(page, "member");
    const response = await page.goto("/admin");
    expect(response?.status()).toBe(403);
    await expect(page.getByRole("heading", { name: "You don't have access to this page" })).toBeVisible();
    await expect(page.getByRole("table", { name: "People" })).toHaveCount(0);
  });

  test("a member's direct call of the admin server action is refused and changes nothing", async ({ browser }) => {
    // As the admin, capture the exact request the "sign out everywhere" button sends, without sending it.
    const adminContext = await browser.newContext();
    const adminPage = await adminContext.newPage();
    await signInAs(adminPage, "admin", "/admin");
    let captured: Request | undefined;
    await adminPage.route("**/admin", async (route) => {
      if (route.request().method() === "POST" && route.request().headers()["next-action"]) {
        captured = route.request();
        await route.abort();
      } else {
        await route.continue();
      }
    });
    const adminRow = adminPage.getByRole("row").filter({ hasText: people.admin.email });
    await adminRow.getByRole("button", { name: /Sign out .* everywhere/ }).click();
    await expect.poll(() => captured).toBeTruthy();
    const headers = { "next-action": captured!.headers()["next-action"]!, "content-type": captured!.headers()["content-type"]! };
    const body = captured!.postDataBuffer()!;
    const adminSessions = await sessionCount(people.admin.email);
    expect(adminSessions).toBeGreaterThan(0);

    // The member replays it.
    const memberContext = await browser.newContext();
    const memberPage = await memberContext.newPage();
    await signInAs(memberPage, "member");
    const asMember = await memberContext.request.post("/admin", { headers, data: body, maxRedirects: 0 });
    expect(await asMember.text()).toContain("You need the admin role to do this.");
    expect(await sessionCount(people.admin.email)).toBe(adminSessions);

    // Without any session: redirected to sign-in, nothing changes.
    const anonymous = await browser.newContext();
    const asNobody = await anonymous.request.post("/admin", { headers, data: body, maxRedirects: 0 });
    expect([303, 307, 401]).toContain(asNobody.status());
    expect(asNobody.headers()["location"] ?? "").toContain("/sign-in");
    expect(await sessionCount(people.admin.email)).toBe(adminSessions);

    // The same request from the admin does what it says: proof the replay was a real call.
    const asAdmin = await adminContext.request.post("/admin", { headers, data: body, maxRedirects: 0 });
    expect(asAdmin.status()).toBeLessThan(400);
    expect(await sessionCount(people.admin.email)).toBe(0);
    await adminPage.unrouteAll();
    await adminPage.goto("/admin");
    await expect(adminPage).toHaveURL(/\/sign-in/);

    await Promise.all([adminContext.close(), memberContext.close(), anonymous.close()]);
  });

  test("a forged session cookie is treated as signed out", async ({ page, context }) => {
    await context.addCookies([{ name: "next-auth.session-token", value: "forged-token", url: "http://localhost:3000" }]);
    await page.goto("/admin");
    await expect(page).toHaveURL(/\/sign-in/);
    await expect(page.getByRole("heading", { name: "Sign in to Pave" })).toBeVisible();
  });

  test("an unreachable OIDC issuer gives a readable error, not a stack trace", async ({ page }) => {
    await page.goto("/sign-in");
    await page.getByRole("button", { name: "Continue with Unreachable SSO" }).click();
    await expect(page).toHaveURL(/\/sign-in\?.*error=OAuthSignin/);
    await expect(page.getByRole("alert").filter({ hasText: "sign-in" })).toContainText("the identity provider did not answer");
    const text = await page.locator("body").innerText();
    expect(text).not.toMatch(/\bat \S+ \(|ECONNREFUSED|TypeError|node_modules/);
  });
});

test.describe("operations", () => {
  test("API routes answer for themselves: a client without a session gets 401 JSON, not the sign-in page", async ({ request }) => {
    for (const [method, path] of [
      ["POST", "/api/v1/events"],
      ["GET", "/api/v1/dora?service=checkout-service"],
      ["GET", "/api/scorecards/production-readiness/csv"],
      ["GET", "/api/scaffolder/runs/unknown"],
    ] as const) {
      const response = await request.fetch(path, { method, headers: { authorization: "Bearer not-a-real-token" }, maxRedirects: 0 });
      expect(response.status(), `${method} ${path}`).toBe(401);
      expect(response.headers()["content-type"], `${method} ${path}`).toContain("application/json");
    }
  });

  test("/api/health reports the database without a session", async ({ request }) => {
    const response = await request.get("/api/health");
    expect(response.status()).toBe(200);
    expect(await response.json()).toMatchObject({ status: "ok", checks: { database: "ok" } });
  });
});
