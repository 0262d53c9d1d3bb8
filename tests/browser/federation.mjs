// Starts `entente demo --federation` (the secretariat's hub and the nodes of KZ, CN and MN,
// peered over HTTPS on loopback, with demo data) and hands the tests each node's address and
// users; adds users with `entente user add` on the running nodes, as an operator would.
import { spawn, execFileSync } from "node:child_process";
import { chromium } from "playwright-core";

export function bin() {
  const path = process.env.TEST_ENTENTE_BIN;
  if (!path) throw new Error("TEST_ENTENTE_BIN must name the built `entente` binary (./scripts/test sets it)");
  return path;
}

export function chromiumPath() {
  return process.env.TEST_CHROMIUM || "/usr/bin/chromium";
}

/** The federation demo, running; `nodes[STATE]` = { url, analyst: {name, password}, dir }. */
export async function startFederation() {
  const child = spawn(bin(), ["demo", "--federation"], { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  child.stderr.on("data", (d) => { err += d; });
  const nodes = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the demo did not start in 60 s: ${out}${err}`)), 60000);
    child.stdout.on("data", (d) => {
      out += d;
      if (!out.includes("Press Ctrl-C")) return;
      clearTimeout(timer);
      const found = {};
      const re = /^(SECRETARIAT|[A-Z]{2})\n\s+web UI\s+(\S+).*\n(?:.*\n)*?\s+password\s+(\S+)\n(?:.*\n)*?\s+node directory\s+(\S+)/gm;
      for (const m of out.matchAll(re)) {
        found[m[1]] = { url: m[2], analyst: { name: "analyst", password: m[3] }, dir: m[4] };
      }
      resolve(found);
    });
    child.on("exit", (code) => reject(new Error(`the demo exited (${code}): ${out}${err}`)));
  });
  for (const state of ["SECRETARIAT", "KZ", "CN", "MN"]) {
    if (!nodes[state]) throw new Error(`the demo printed no ${state} node: ${out}`);
  }
  return { child, nodes };
}

/** Adds a user to a running node; answers { name, password }. */
export function addUser(node, name, role) {
  const out = execFileSync(bin(), ["user", "add", "--dir", node.dir, name, "--role", role], { encoding: "utf8" });
  const password = /^password: (\S+)$/m.exec(out)?.[1];
  if (!password) throw new Error(`user add printed no password: ${out}`);
  return { name, password };
}

export async function launch() {
  return chromium.launch({
    executablePath: chromiumPath(),
    args: [
      "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ],
  });
}

/** A new browser context (its own cookies) that trusts the demo's own CAs. */
export async function context(browser, lang = "en") {
  return browser.newContext({ ignoreHTTPSErrors: true, locale: lang, viewport: { width: 1280, height: 900 } });
}

/** Signs in on the page's node; the page is left on the dashboard. */
export async function signIn(page, node, user) {
  await page.goto(`${node.url}signin`);
  await page.fill("#name", user.name);
  await page.fill("#password", user.password);
  await Promise.all([page.waitForURL(`${node.url}`), page.click("form.card button[type=submit]")]);
}

/** Collects the console errors and uncaught errors of a page. */
export function watchErrors(page) {
  const errors = [];
  page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
  page.on("pageerror", (e) => errors.push(String(e)));
  return errors;
}
