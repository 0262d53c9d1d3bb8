// Entente's web UI in Chromium, against a federation of real nodes (`entente demo --federation`):
// every page in English, Russian and Chinese (a screenshot each, no missing catalogue key, no
// console error, no serious or critical axe-core violation); governance across two nodes (a ballot
// cast on one node counted on another; the charter, documents and programmes); the joint-warning story across two
// users and two nodes, the issuer seeing the hit arrive without reloading; screening a name in
// Cyrillic; hostile text inert; an invisible object's page the same as an absent one's; detection
// (a sighting across nodes, an incident near a pipeline alerting its owners on the map).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, readFileSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import AxeBuilder from "@axe-core/playwright";
import { startFederation, addUser, launch, context, signIn, watchErrors } from "./federation.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const shots = join(here, "screenshots");
mkdirSync(shots, { recursive: true });

let demo;
let browser;

before(async () => {
  demo = await startFederation();
  browser = await launch();
});

after(async () => {
  await browser?.close();
  demo?.child.kill("SIGINT");
});

const PAGES = [
  ["dashboard", ""],
  ["intel", "intel"],
  ["intel-new", "intel/new"],
  ["warnings", "warnings"],
  ["warning-new", "warnings/new"],
  ["register", "register"],
  ["screen", "screen?name=%D0%A1%D0%B5%D0%B9%D1%82%D0%BA%D0%B0%D0%BB%D0%B8"],
  ["federation", "federation"],
  ["consultations", "consultations"],
  ["consultation-new", "consultations/new"],
  ["exercises", "exercises"],
  ["exercise-new", "exercises/new"],
  ["exercise", "exercises/x-entente-exercise--2010a0e5-0001-4c1d-8e2f-3a4b5c6d7e8f"],
  ["decisions", "decisions"],
  ["decision-new", "decisions/new"],
  ["charter", "charter"],
  ["programmes", "programmes"],
  ["programme-new", "programmes/new"],
  ["map", "map"],
];

/** Fails on the violations axe-core counts serious or critical. */
async function accessible(page, what) {
  const result = await new AxeBuilder({ page }).analyze();
  const bad = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  assert.deepEqual(
    bad.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(", ")})`),
    [],
    `${what}: accessibility violations`,
  );
}

test("every page, in each of the three languages, complete and accessible", async () => {
  const kz = demo.nodes.KZ;
  const ctx = await context(browser);
  const page = await ctx.newPage();
  const errors = watchErrors(page);
  await signIn(page, kz, kz.analyst);
  // A warning's page and an object's page too: the demo's warning, and KZ's briefing.
  await page.goto(`${kz.url}warnings`);
  const warning = await page.getAttribute('a[href^="/warnings/x-entente-warning--"]', "href");
  const pages = [...PAGES, ["warning", warning.slice(1)], ["object", "intel/report--5d6e7f8a-9b1c-4d2e-8f3a-4b5c6d7e8f99"]];
  for (const lang of ["en", "ru", "zh"]) {
    await page.goto(`${kz.url}lang/${lang}?back=/`);
    for (const [name, path] of pages) {
      const response = await page.goto(`${kz.url}${path}`);
      assert.equal(response.status(), 200, `${name} ${lang}`);
      assert.equal(await page.getAttribute("html", "lang"), lang);
      const text = await page.innerText("body");
      assert.ok(!text.includes("⟦"), `${name} ${lang} renders a missing key: ${text}`);
      await page.screenshot({ path: join(shots, `${lang}-${name}.png`), fullPage: true });
      await accessible(page, `${name} ${lang}`);
    }
  }
  assert.deepEqual(errors, [], "console errors");
  // The federation page says when the link to the hub last pulled.
  await page.goto(`${kz.url}lang/en?back=/federation`);
  const row = await page.innerText("tbody tr");
  assert.match(row, /SECRETARIAT/);
  assert.match(row, /\d{4}, \d{2}:\d{2} UTC/, `a last pull time: ${row}`);
  await ctx.close();
});

test("the administrator's pages, in each of the three languages", async () => {
  const kz = demo.nodes.KZ;
  const admin = addUser(kz, "admin2", "admin");
  const ctx = await context(browser);
  const page = await ctx.newPage();
  const errors = watchErrors(page);
  await signIn(page, kz, admin);
  for (const lang of ["en", "ru", "zh"]) {
    await page.goto(`${kz.url}lang/${lang}?back=/`);
    for (const [name, path] of [["audit", "audit"], ["admin", "admin"], ["federation-admin", "federation"]]) {
      const response = await page.goto(`${kz.url}${path}`);
      assert.equal(response.status(), 200, `${name} ${lang}`);
      const text = await page.innerText("body");
      assert.ok(!text.includes("⟦"), `${name} ${lang} renders a missing key: ${text}`);
      await page.screenshot({ path: join(shots, `${lang}-${name}.png`), fullPage: true });
      await accessible(page, `${name} ${lang}`);
    }
  }
  assert.deepEqual(errors, [], "console errors");
  await ctx.close();
});

test("a joint warning across two nodes: drafted, submitted, accepted, published, acknowledged, hit seen live", async () => {
  const { KZ: kz, SECRETARIAT: hub, CN: cn } = demo.nodes;
  const supervisor = addUser(kz, "supervisor2", "supervisor");

  // A KZ analyst drafts.
  const analystCtx = await context(browser);
  const analyst = await analystCtx.newPage();
  await signIn(analyst, kz, kz.analyst);
  await analyst.goto(`${kz.url}warnings/new`);
  await analyst.selectOption("#kind", "wanted");
  await analyst.fill("#title", "Wanted: Bakhtiyar Nurlanov");
  await analyst.fill("#names", "Bakhtiyar Nurlanov\nНурланов Бахтияр");
  await analyst.fill("#legal_basis", "Criminal Code of Kazakhstan, art. 255");
  await analyst.fill("#issuing_authority", "National Security Committee");
  await analyst.fill("#action_requested", "Detain and inform the issuing authority");
  await analyst.fill("#contact", "duty officer, +7 717 000 0000");
  await analyst.fill("#purpose", "arrest with a view to extradition");
  await analyst.fill("#source", "investigation file 2026/114");
  const review = new Date(Date.now() + 90 * 86400000).toISOString().slice(0, 10);
  await analyst.fill("#review_date", review);
  await Promise.all([analyst.waitForURL(/\/warnings\/x-entente-warning--/), analyst.click("form.card button[type=submit]")]);
  const path = new URL(analyst.url()).pathname;
  assert.equal(await analyst.locator(`form[action="${path}/submit"]`).count(), 0, "an analyst does not submit");
  // The analyst revises the draft from its page: the form comes filled in.
  await Promise.all([analyst.waitForURL(`${kz.url}${path.slice(1)}/revise`), analyst.click(`a[href="${path}/revise"]`)]);
  assert.equal(await analyst.inputValue("#title"), "Wanted: Bakhtiyar Nurlanov");
  await analyst.fill("#title", "Wanted: Bakhtiyar Nurlanov (revised)");
  await Promise.all([analyst.waitForURL(`${kz.url}${path.slice(1)}`), analyst.click("form.card button[type=submit]")]);
  assert.match(await analyst.textContent("main"), /Bakhtiyar Nurlanov \(revised\)/);

  // A KZ supervisor submits it.
  const supCtx = await context(browser);
  const sup = await supCtx.newPage();
  await signIn(sup, kz, supervisor);
  await sup.goto(`${kz.url}${path.slice(1)}`);
  await Promise.all([sup.waitForURL(`${kz.url}${path.slice(1)}`), sup.click(`form[action="${path}/submit"] button`)]);

  // The secretariat accepts it on its own node, once it has arrived there.
  const hubCtx = await context(browser);
  const staff = await hubCtx.newPage();
  await signIn(staff, hub, hub.analyst);
  await until(async () => (await staff.goto(`${hub.url}${path.slice(1)}`)).status() === 200 &&
    (await staff.locator(`form[action="${path}/accept"]`).count()) === 1, "the submitted warning on the hub");
  await Promise.all([staff.waitForURL(`${hub.url}${path.slice(1)}`), staff.click(`form[action="${path}/accept"] button`)]);

  // Back on KZ, the supervisor publishes once the acceptance has arrived.
  await until(async () => {
    await sup.goto(`${kz.url}${path.slice(1)}`);
    return (await sup.locator(`form[action="${path}/publish"]`).count()) === 1;
  }, "the acceptance on KZ");
  await Promise.all([sup.waitForURL(`${kz.url}${path.slice(1)}`), sup.click(`form[action="${path}/publish"] button`)]);

  // The issuer watches the warning's page; it is not reloaded from here on.
  const issuerErrors = watchErrors(sup);
  await sup.goto(`${kz.url}${path.slice(1)}`);
  await sup.evaluate(() => { window.__notReloaded = true; });

  // A CN analyst acknowledges it and reports a hit.
  const cnCtx = await context(browser, "zh");
  const cnPage = await cnCtx.newPage();
  await signIn(cnPage, cn, cn.analyst);
  await until(async () => (await cnPage.goto(`${cn.url}${path.slice(1)}`)).status() === 200 &&
    (await cnPage.locator(`form[action="${path}/acknowledge"]`).count()) === 1, "the published warning on CN");
  await Promise.all([cnPage.waitForURL(`${cn.url}${path.slice(1)}`), cnPage.click(`form[action="${path}/acknowledge"] button`)]);
  await cnPage.fill("#when", new Date(Date.now() - 3600000).toISOString().slice(0, 16));
  await cnPage.fill("#location", "Khorgos border crossing");
  await cnPage.fill("#action_taken", "Detained");
  await Promise.all([cnPage.waitForURL(`${cn.url}${path.slice(1)}`), cnPage.click(`form[action="${path}/hit"] button`)]);

  // The issuer sees it without reloading: the page's own script brought it.
  await sup.waitForFunction(() => document.body.innerText.includes("Khorgos border crossing"), null, { timeout: 20000 });
  assert.equal(await sup.evaluate(() => window.__notReloaded), true, "the page was not reloaded");
  assert.deepEqual(issuerErrors, []);
  await sup.screenshot({ path: join(shots, "en-warning-with-hit.png"), fullPage: true });
  await accessible(sup, "warning page");
  for (const c of [analystCtx, supCtx, hubCtx, cnCtx]) await c.close();
});

test("screening a name written in Cyrillic finds the entry listed in Latin, and says why", async () => {
  const kz = demo.nodes.KZ;
  const ctx = await context(browser, "ru");
  const page = await ctx.newPage();
  await signIn(page, kz, kz.analyst);
  await page.goto(`${kz.url}screen`);
  await page.fill("#name", "Сейткали Арман");
  await Promise.all([page.waitForURL(/\/screen\?/), page.click("form.card button[type=submit]")]);
  const text = await page.innerText("main");
  assert.match(text, /Arman Seitkali/);
  assert.match(text, /seitkali/i);
  await page.screenshot({ path: join(shots, "ru-screen-result.png"), fullPage: true });

  // A file of names, with a progress bar, and the answer to download.
  await page.goto(`${kz.url}screen`);
  await page.setInputFiles("#file", {
    name: "names.csv",
    mimeType: "text/csv",
    buffer: Buffer.from("id,name\nq1,Сейткали Арман\nq2,Иван Петров\nq3,\n"),
  });
  await page.click("#screen-file button[type=submit]");
  await page.waitForSelector("#screen-download:not([hidden])", { timeout: 20000 });
  assert.equal(await page.getAttribute("#screen-progress", "value"), "3");
  const [download] = await Promise.all([page.waitForEvent("download"), page.click("#screen-download")]);
  const csv = readFileSync(await download.path(), "utf8");
  assert.match(csv, /^line,id,name,entry,listed_name,score,error/);
  assert.match(csv, /q1,Сейткали Арман,x-entente-register-entry--[^,]+,Arman Seitkali/);
  assert.match(csv, /^4,,.*is empty/m, "a line that cannot be read is answered with why");
  await page.screenshot({ path: join(shots, "ru-screen-file.png"), fullPage: true });
  await ctx.close();
});

test("hostile text is inert, and an invisible object reads like an absent one", async () => {
  const { KZ: kz, SECRETARIAT: hub } = demo.nodes;
  const ctx = await context(browser);
  const page = await ctx.newPage();
  const errors = watchErrors(page);
  await signIn(page, kz, kz.analyst);
  let alerted = false;
  page.on("dialog", async (d) => { alerted = true; await d.dismiss(); });
  const hostile = `<script>alert(1)</script>"'><img src=x onerror=alert(2)> javascript:alert(3) \u202Egnp.exe`;
  await page.goto(`${kz.url}intel/new`);
  await page.selectOption("#kind", "threat-actor");
  await page.fill("#name", hostile);
  await page.fill("#text", hostile);
  await Promise.all([page.waitForURL(/\/intel\/threat-actor--/), page.click("form.card button[type=submit]")]);
  const heading = await page.innerText("main h2");
  assert.ok(heading.includes("<script>alert(1)</script>"), "the name reads as text");
  assert.equal(await page.locator("main img").count(), 0);
  assert.equal(await page.locator('a[href^="javascript:"]').count(), 0);
  // The right-to-left override stays inside its own isolate.
  assert.ok((await page.locator("main h2 bdi").count()) >= 1);
  for (const p of ["", "intel", "warnings"]) await page.goto(`${kz.url}${p}`);
  assert.equal(alerted, false, "no script of the stored text ran");
  assert.deepEqual(errors, []);

  // On the hub, KZ's briefing to the observers is held (the hub relays it) but not for its staff.
  const hubCtx = await context(browser);
  const staff = await hubCtx.newPage();
  await signIn(staff, hub, hub.analyst);
  const held = await staff.goto(`${hub.url}intel/report--5d6e7f8a-9b1c-4d2e-8f3a-4b5c6d7e8f99`);
  const heldText = await staff.innerText("main");
  const absent = await staff.goto(`${hub.url}intel/report--5d6e7f8a-9b1c-4d2e-8f3a-4b5c6d7e8f00`);
  const absentText = await staff.innerText("main");
  assert.equal(held.status(), 404);
  assert.equal(absent.status(), 404);
  assert.equal(heldText, absentText);
  await ctx.close();
  await hubCtx.close();
});

test("governance across two nodes: a ballot cast on KZ counted on CN; the charter, documents and programmes in three languages", async () => {
  const { KZ: kz, CN: cn } = demo.nodes;
  const supervisor = addUser(kz, "supervisor3", "supervisor");
  const ctx = await context(browser);
  const page = await ctx.newPage();
  const errors = watchErrors(page);
  await signIn(page, kz, supervisor);
  // The demo's history arrives from the hub: Afghanistan's admission is open for ballots.
  await until(async () => {
    await page.goto(`${kz.url}decisions?status=open`);
    return (await page.locator('a[href^="/decisions/x-entente-decision--"]').count()) === 1;
  }, "the open decision on KZ", 60);
  const path = await page.getAttribute('a[href^="/decisions/x-entente-decision--"]', "href");
  await page.goto(`${kz.url}${path.slice(1)}`);
  assert.match(await page.innerText("#decision-status"), /open/);
  assert.equal(await page.locator("svg.chart").count(), 1, "the tally as a chart");
  await page.selectOption("#vote", "approve");
  await page.fill("#statement", "Kazakhstan supports Afghanistan's membership.");
  await Promise.all([page.waitForURL(`${kz.url}${path.slice(1)}`), page.click(`form[action="${path}/ballot"] button`)]);
  assert.match(await page.innerText("main"), /Kazakhstan supports Afghanistan's membership\./);
  await accessible(page, "decision page");

  // On CN, the ballot KZ's node signed arrives and counts: four approvals.
  const cnCtx = await context(browser, "zh");
  const cnPage = await cnCtx.newPage();
  await signIn(cnPage, cn, cn.analyst);
  await until(async () => {
    await cnPage.goto(`${cn.url}${path.slice(1)}`);
    return (await cnPage.innerText("main")).includes("Kazakhstan supports");
  }, "KZ's ballot on CN", 60);
  assert.match(await cnPage.innerText("main"), /KZ/);
  assert.equal(await cnPage.locator(`form[action="${path}/ballot"]`).count(), 0, "an analyst does not vote");

  // The charter in effect, a document, a facility and the decision, in each language.
  await until(async () => {
    await page.goto(`${kz.url}programmes`);
    return (await page.locator('a[href^="/programmes/x-entente-programme--"]').count()) === 2 &&
      (await page.locator('a[href^="/documents/x-entente-document--"]').count()) === 2;
  }, "the demo's documents and programmes on KZ", 60);
  const doc = await page.getAttribute('a[href^="/documents/x-entente-document--"]', "href");
  const progs = await page.locator('a[href^="/programmes/x-entente-programme--"]').evaluateAll((as) => as.map((a) => a.getAttribute("href")));
  for (const lang of ["en", "ru", "zh"]) {
    await page.goto(`${kz.url}lang/${lang}?back=/`);
    for (const [name, where] of [["charter", "charter"], ["document", doc.slice(1)], ["programme-a", progs[0].slice(1)], ["programme-b", progs[1].slice(1)], ["decision", path.slice(1)]]) {
      const response = await page.goto(`${kz.url}${where}`);
      assert.equal(response.status(), 200, `${name} ${lang}`);
      const text = await page.innerText("body");
      assert.ok(!text.includes("⟦"), `${name} ${lang} renders a missing key: ${text}`);
      await page.screenshot({ path: join(shots, `${lang}-${name}.png`), fullPage: true });
      await accessible(page, `${name} ${lang}`);
    }
  }
  // The facility's ledger as a chart, and the presidency of this year.
  await page.goto(`${kz.url}lang/en?back=/charter`);
  assert.match(await page.innerText("#presiding"), /[A-Z]{2}/);
  let facility = false;
  for (const p of progs) {
    await page.goto(`${kz.url}${p.slice(1)}`);
    if ((await page.innerText("main")).includes("7400000000.00 USD")) {
      facility = true;
      assert.equal(await page.locator("svg.chart").count(), 1);
    }
  }
  assert.ok(facility, "the loan facility with $7.4 billion in place");
  assert.deepEqual(errors, [], "console errors");
  await ctx.close();
  await cnCtx.close();
});

test("a consultation across three nodes: KZ asks, the secretariat convenes, CN offers, KZ accepts; MN sees nothing", async () => {
  const { KZ: kz, SECRETARIAT: hub, CN: cn, MN: mn } = demo.nodes;
  const kzSup = addUser(kz, "supervisor4", "supervisor");
  const hubSup = addUser(hub, "supervisor4", "supervisor");
  const cnSup = addUser(cn, "supervisor4", "supervisor");
  const open = async (node, user, lang = "en") => {
    const ctx = await context(browser, lang);
    const page = await ctx.newPage();
    await signIn(page, node, user);
    return { ctx, page };
  };
  const k = await open(kz, kzSup);
  const errors = watchErrors(k.page);
  await k.page.goto(`${kz.url}consultations/new`);
  await k.page.fill("#title", "Sabotage of the Karaganda power grid");
  await k.page.fill("#situation", "Two substations sabotaged; three districts without power.");
  await k.page.fill("#place", "Karaganda");
  await k.page.check('input[name="help"][value="experts"]');
  await k.page.check('input[name="help"][value="equipment"]');
  await Promise.all([k.page.waitForURL(/\/consultations\/x-entente-consultation--/), k.page.click("form.card button[type=submit]")]);
  const path = new URL(k.page.url()).pathname;
  await accessible(k.page, "consultation requested");

  // The secretary-general convenes on the hub once the request has arrived.
  const h = await open(hub, hubSup, "ru");
  await until(async () => (await h.page.goto(`${hub.url}${path.slice(1)}`)).status() === 200 &&
    (await h.page.locator(`form[action="${path}/convene"]`).count()) === 1, "the request on the hub");
  const later = (hours) => new Date(Date.now() + hours * 3600000).toISOString().slice(0, 16);
  await h.page.fill("#video_link", "https://conference.example/rats");
  await h.page.fill("#answer_by", later(2));
  await h.page.fill("#meets_at", later(3));
  await Promise.all([h.page.waitForURL(`${hub.url}${path.slice(1)}`), h.page.click(`form[action="${path}/convene"] button`)]);
  await accessible(h.page, "consultation convened (ru)");

  // CN's supervisor finds the invitation on the dashboard, and offers engineers.
  const c = await open(cn, cnSup, "zh");
  await until(async () => {
    await c.page.goto(`${cn.url}`);
    return (await c.page.locator(`#invitations a[href="${path}"]`).count()) === 1;
  }, "the invitation on CN's dashboard");
  await until(async () => (await c.page.goto(`${cn.url}${path.slice(1)}`)).status() === 200 &&
    (await c.page.locator(`form[action="${path}/answer"]`).count()) === 1, "the invitation on CN");
  await c.page.selectOption("#answer", "offer");
  await c.page.selectOption("#kind", "experts");
  await c.page.fill("#description", "Grid repair engineers");
  await c.page.fill("#quantity", "2");
  await c.page.fill("#unit", "teams");
  await c.page.fill("#available_from", new Date(Date.now() + 86400000).toISOString().slice(0, 10));
  await c.page.fill("#duration_days", "14");
  await Promise.all([c.page.waitForURL(`${cn.url}${path.slice(1)}`), c.page.click(`form[action="${path}/answer"] button`)]);
  await accessible(c.page, "consultation answered (zh)");

  // KZ accepts the offer; the plan shows it, on KZ and then on CN.
  await until(async () => {
    await k.page.goto(`${kz.url}${path.slice(1)}`);
    return (await k.page.locator(`form[action="${path}/verdict"]`).count()) === 1;
  }, "CN's offer on KZ");
  await Promise.all([k.page.waitForURL(`${kz.url}${path.slice(1)}`), k.page.click(`form[action="${path}/verdict"] button[value="accept"]`)]);
  assert.match(await k.page.innerText("#plan"), /CN: Grid repair engineers/);
  await until(async () => {
    await c.page.goto(`${cn.url}${path.slice(1)}`);
    return (await c.page.locator("#plan").count()) === 1 && (await c.page.innerText("#plan")).includes("Grid repair engineers");
  }, "the plan on CN");
  await k.page.screenshot({ path: join(shots, "en-consultation.png"), fullPage: true });

  // MN, an observer not invited, finds nothing there.
  const m = await open(mn, mn.analyst);
  assert.equal((await m.page.goto(`${mn.url}${path.slice(1)}`)).status(), 404);
  assert.deepEqual(errors, [], "console errors");
  for (const x of [k, h, c, m]) await x.ctx.close();
});

test("an exercise across two nodes: KZ plans it, CN and KZ write their sections under their own sharing, MN sees nothing", async () => {
  const { KZ: kz, CN: cn, MN: mn } = demo.nodes;
  const kzSup = addUser(kz, "supervisor5", "supervisor");
  const cnSup = addUser(cn, "supervisor5", "supervisor");
  const open = async (node, user, lang = "en") => {
    const ctx = await context(browser, lang);
    const page = await ctx.newPage();
    await signIn(page, node, user);
    return { ctx, page };
  };
  const day = (d) => new Date(Date.now() + d * 86400000).toISOString().slice(0, 10);
  const k = await open(kz, kzSup);
  const errors = watchErrors(k.page);
  await k.page.goto(`${kz.url}exercises/new`);
  await k.page.fill("#name", "Coordination 2026");
  await k.page.selectOption("#kind", "operation");
  await k.page.fill("#starts", day(0));
  await k.page.fill("#ends", day(5));
  await k.page.fill("#scenario", "Joint search for an armed group crossing the border.");
  await k.page.fill("#objectives", "Joint command\nShared intelligence");
  await k.page.fill("#participants", "CN");
  await k.page.selectOption("#shared_with", "participants");
  await Promise.all([k.page.waitForURL(/\/exercises\/x-entente-exercise--/), k.page.click("form.card button[type=submit]")]);
  const path = new URL(k.page.url()).pathname;
  await accessible(k.page, "exercise planned");

  // CN finds it, says what it brings and writes its section for the host only (in Chinese).
  const c = await open(cn, cnSup, "zh");
  await until(async () => (await c.page.goto(`${cn.url}${path.slice(1)}`)).status() === 200 &&
    (await c.page.locator(`form[action="${path}/report"]`).count()) === 1, "the exercise on CN");
  await c.page.fill("#brings", "两个特战分队");
  await c.page.fill("#personnel", "120");
  await Promise.all([c.page.waitForURL(`${cn.url}${path.slice(1)}`), c.page.click(`form[action="${path}/join"] button`)]);
  await c.page.fill("#summary", "空中支援晚到一天。");
  await c.page.fill("#item_title", "Overflight permits three months ahead");
  await c.page.fill("#item_owner", "Air operations");
  await c.page.fill("#item_due", day(90));
  await c.page.selectOption("#section_shared_with", "host");
  await Promise.all([c.page.waitForURL(`${cn.url}${path.slice(1)}`), c.page.click(`form[action="${path}/report"] button`)]);
  assert.match(await c.page.innerText("#section-CN"), /东道国和秘书处/);
  await accessible(c.page, "exercise section written (zh)");

  // KZ, the host, sees CN's section and contribution, and writes its own (in Russian).
  const r = await open(kz, kzSup, "ru");
  await until(async () => {
    await r.page.goto(`${kz.url}${path.slice(1)}`);
    return (await r.page.locator("#section-CN").count()) === 1;
  }, "CN's section on KZ");
  assert.match(await r.page.innerText("#participants"), /两个特战分队/);
  await r.page.fill("#summary", "Цели достигнуты.");
  await r.page.fill("#item_title", "Common radio frequencies");
  await r.page.fill("#item_owner", "Signals directorate");
  await r.page.fill("#item_due", day(60));
  await r.page.selectOption("#section_shared_with", "participants");
  await Promise.all([r.page.waitForURL(`${kz.url}${path.slice(1)}`), r.page.click(`form[action="${path}/report"] button`)]);
  assert.match(await r.page.innerText("#open-item-list"), /Common radio frequencies/);
  await accessible(r.page, "exercise with two sections (ru)");
  await r.page.screenshot({ path: join(shots, "ru-exercise.png"), fullPage: true });
  // KZ closes its item; it leaves the open items.
  await Promise.all([r.page.waitForURL(`${kz.url}${path.slice(1)}`), r.page.click(`#section-KZ form[action="${path}/close-item"] button`)]);
  assert.doesNotMatch(await r.page.innerText("#open-item-list"), /Common radio frequencies/);

  // MN, an observer that takes no part, finds nothing there.
  const m = await open(mn, mn.analyst);
  assert.equal((await m.page.goto(`${mn.url}${path.slice(1)}`)).status(), 404);
  assert.deepEqual(errors, [], "console errors");
  for (const x of [k, c, r, m]) await x.ctx.close();
});

test("detection across nodes: KZ's sighting of CN's indicator on CN; an incident reported near a pipeline alerts its owners on the map; MN sees no alert", async () => {
  const { KZ: kz, CN: cn, MN: mn } = demo.nodes;
  const open = async (node, user, lang = "en") => {
    const ctx = await context(browser, lang);
    const page = await ctx.newPage();
    await signIn(page, node, user);
    return { ctx, page };
  };
  const oil = "x-entente-asset--4d0c6a8e-2f1b-4c3d-9e8a-7b6c5d4e3f21";
  const gas = "x-entente-asset--5e1d7b9f-3a2c-4d4e-8f9b-8c7d6e5f4a32";
  const place = "location--6f2e8c0a-4b3d-4e5f-9a0b-9d8e7f6a5b43";
  const indicator = "indicator--8b2f6c1d-4e3a-4f5b-9c7d-1e2a3b4c5d60";

  // KZ's map: both pipelines over the country outlines, the demo's incident red, joined to the
  // oil pipeline by its alert, listed with its distance and kilometre post.
  const k = await open(kz, kz.analyst);
  const errors = watchErrors(k.page);
  await k.page.goto(`${kz.url}map`);
  assert.equal(await k.page.locator(`svg [data-asset="${oil}"] .asset-line`).count(), 1);
  assert.equal(await k.page.locator(`svg [data-asset="${gas}"] .corridor`).count(), 1);
  assert.ok((await k.page.locator("svg path.country").count()) >= 5, "country outlines");
  assert.equal(await k.page.locator(`svg a.place.alerted[data-place="${place}"]`).count(), 1);
  assert.match(await k.page.innerText('[data-testid="alerts"]'), /Kazakhstan–China oil pipeline[\s\S]*km/);

  // A KZ analyst reports an incident by the gas pipeline near Almaty, with its place; the report
  // raises an alert to the pipeline's owners, on KZ's map at once.
  await k.page.goto(`${kz.url}intel/new`);
  await k.page.selectOption("#kind", "report");
  await k.page.fill("#name", "Drone over the compressor station");
  await k.page.fill("#text", "A drone circled the station for ten minutes at dusk.");
  await k.page.fill("#latitude", "43.56");
  await k.page.fill("#longitude", "76.92");
  await Promise.all([k.page.waitForURL(/\/intel\/report--/), k.page.click("form.card button[type=submit]")]);
  const report = new URL(k.page.url()).pathname.slice("/intel/".length);
  await k.page.goto(`${kz.url}map`);
  assert.match(await k.page.innerText('[data-testid="alerts"]'), /Central Asia–China gas pipeline/);
  assert.equal(await k.page.locator(`[data-testid="alerts"] a[href="/intel/${report}"]`).count(), 1);
  await accessible(k.page, "map with alerts");
  await k.page.screenshot({ path: join(shots, "en-map-alerts.png"), fullPage: true });

  // CN, an owner, sees the new alert on its own map (in Chinese), and KZ's sighting of its
  // indicator on the indicator's page.
  const c = await open(cn, cn.analyst, "zh");
  await until(async () => {
    await c.page.goto(`${cn.url}map`);
    return (await c.page.locator(`[data-testid="alerts"] a[href="/intel/${report}"]`).count()) === 1;
  }, "the alert on CN's map");
  assert.match(await c.page.innerText("h1"), /受保护基础设施/);
  await until(async () => {
    await c.page.goto(`${cn.url}intel/${indicator}`);
    return (await c.page.locator('a[href^="/intel/sighting--"]').count()) >= 1;
  }, "KZ's sighting on CN's indicator page");
  await accessible(c.page, "indicator with its sighting (zh)");

  // MN, not an owner, sees the pipelines (shared with everyone) and the place, but no alert.
  const m = await open(mn, mn.analyst, "ru");
  await until(async () => {
    await m.page.goto(`${mn.url}map`);
    return (await m.page.locator(`svg [data-asset="${oil}"]`).count()) === 1;
  }, "the pipelines on MN's map");
  assert.equal(await m.page.locator('[data-testid="alerts"]').count(), 0);
  assert.equal(await m.page.locator("svg a.place.alerted").count(), 0);
  assert.equal(await m.page.locator("svg .alert-link").count(), 0);
  assert.deepEqual(errors, [], "console errors");
  for (const x of [k, c, m]) await x.ctx.close();
});

async function until(check, what, seconds = 30) {
  const end = Date.now() + seconds * 1000;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`waited ${seconds} s for ${what}`);
}
