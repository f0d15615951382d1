// The dashboard in a real browser: Debian's Chromium driven by puppeteer-core (no browser download).
// Usage: node dashboard.e2e.mjs BASE_URL ARTIFACTS_DIR [PAGE_PATH]. PAGE_PATH is where the page is served (default "/"; the
// Functions app serves it at "/api/dashboard?code=KEY"). Exits 0 when every step passed; a screenshot per step.
import puppeteer from "puppeteer-core";
import { mkdirSync } from "node:fs";
import { join } from "node:path";

const [base, artifacts, pagePath = "/"] = process.argv.slice(2);
const at = hash => `${base}${pagePath}${hash}`;
mkdirSync(artifacts, { recursive: true });
const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--disable-background-networking"],
});
let step = 0;
const failures = [];
try {
  const page = await browser.newPage();
  await page.setViewport({ width: 1280, height: 900 });
  page.on("dialog", dialog => dialog.accept());
  page.on("pageerror", error => failures.push("page error: " + error.message));
  page.on("console", message => { if (message.type() === "error") failures.push("console error: " + message.text()); });
  const shot = async name => page.screenshot({ path: join(artifacts, `${String(++step).padStart(2, "0")}-${name}.png`), fullPage: true });
  const status = () => page.$eval("h1 [data-testid=status]", e => e.textContent).catch(() => "");
  const waitForStatus = async (wanted, timeout = 90000) => {
    await page.waitForFunction(w => document.querySelector("h1 [data-testid=status]")?.textContent === w, { timeout, polling: 200 }, wanted);
  };
  const startCrew = async (crew, inputs) => {
    await page.goto(at(`#/start/${crew}`), { waitUntil: "networkidle0" });
    await page.waitForSelector("[data-testid=start-form]");
    for (const [name, value] of Object.entries(inputs)) {
      await page.waitForSelector(`input[data-input="${name}"]`);
      await page.type(`input[data-input="${name}"]`, value);
    }
    await Promise.all([page.waitForFunction(() => location.hash.startsWith("#/runs/")), page.click("[data-testid=start]")]);
    await page.waitForSelector("h1 [data-testid=status]");
    return decodeURIComponent(await page.evaluate(() => location.hash.slice("#/runs/".length)));
  };

  // 1. The runs list.
  await page.goto(at(""), { waitUntil: "networkidle0" });
  await page.waitForSelector("[data-testid=runs]");
  await shot("runs");

  // 2. A hierarchical crew started from the form built from its placeholders, watched to completion.
  const platformRun = await startCrew("data-platform", { platform: "payments" });
  await page.waitForSelector(".row[data-kind=task]", { timeout: 30000 });
  await shot("hierarchical-running");
  await waitForStatus("Completed");
  await page.waitForSelector("[data-testid=delegation-tree]", { timeout: 10000 });
  const delegationBars = await page.$$eval(".row[data-kind=delegation]", rows => rows.length);
  if (delegationBars < 2) failures.push(`the finished hierarchical run shows ${delegationBars} delegation bar(s) on its timeline`);
  const tokens = Number(await page.$eval("[data-testid=tokens]", e => e.textContent));
  if (!(tokens > 0)) failures.push("the finished run shows no tokens");
  await shot("hierarchical-completed");

  // 3. Replayed from its task: a new run, watched to completion.
  await Promise.all([page.waitForFunction(id => location.hash !== "#/runs/" + encodeURIComponent(id), {}, platformRun), page.click("[data-testid=replay]")]);
  await waitForStatus("Completed");
  const replayRun = decodeURIComponent(await page.evaluate(() => location.hash.slice("#/runs/".length)));
  if (replayRun === platformRun) failures.push("replay did not open a new run");
  await shot("replayed");

  // 4. A task that waits for a person: approved from the page.
  const reviewedRun = await startCrew("reviewed", { topic: "release notes" });
  await page.waitForSelector("[data-testid=human-input]", { timeout: 60000 });
  await shot("human-input-waiting");
  await page.click("[data-testid=approve]");
  await waitForStatus("Completed");
  await shot("human-input-approved");

  // 5. A run that would wait for a day, terminated from the page.
  const longRun = await startCrew("reviewed", { topic: "a long wait" });
  await page.waitForSelector("[data-testid=human-input]", { timeout: 60000 });
  await page.click("[data-testid=terminate]");
  await waitForStatus("Terminated", 60000);
  await shot("terminated");

  // 6. The list filtered by status and crew shows that run.
  await page.goto(at("#/"), { waitUntil: "networkidle0" });
  await page.waitForSelector("[data-testid=runs]");
  await page.select("[data-testid=filter-status]", "Terminated");
  await page.waitForFunction((id, completed) => {
    const shown = [...document.querySelectorAll("tr[data-run]")].map(r => r.dataset.run);
    return shown.includes(id) && !completed.some(c => shown.includes(c));
  }, { timeout: 15000 }, longRun, [platformRun, replayRun, reviewedRun]);
  await page.select("[data-testid=filter-status]", "Completed");
  await page.waitForFunction(ids => ids.every(id => document.querySelector(`tr[data-run="${id}"]`)), { timeout: 15000 }, [platformRun, replayRun, reviewedRun]);
  await shot("runs-filtered");

  // 7. A flow with a fan-out: each step it started as "iteration n of m", its for_each items counted and drawn as bars.
  const flowRun = await page.evaluate(async () => (await api("flows/write-a-book/kickoff", { method: "POST", headers: { "content-type": "application/json" }, body: "{}" })).run_id);
  await page.goto(at("#/runs/" + encodeURIComponent(flowRun)), { waitUntil: "networkidle0" });
  await waitForStatus("Completed", 120000);
  await page.waitForSelector(".row[data-kind=item]", { timeout: 15000 });
  const iteration = await page.$eval("[data-testid=iteration][data-step=write_chapters] b", e => e.textContent).catch(() => "");
  if (iteration !== "iteration 1 of 10") failures.push(`the flow shows its step write_chapters as "${iteration}", not "iteration 1 of 10"`);
  const counted = await page.$eval("[data-testid=items-done][data-name=write_chapters] b", e => e.textContent).catch(() => "");
  const itemBars = await page.$$eval(".row[data-kind=item] .label", rows => rows.map(r => r.textContent));
  const chapters = itemBars.length;
  if (chapters < 2 || counted !== `${chapters} / ${chapters}`) failures.push(`the flow counts its items as "${counted}" and draws ${chapters} item bar(s)`);
  if (!itemBars.every((label, k) => label === `write_chapters[${k}]`)) failures.push(`the item bars are labelled ${JSON.stringify(itemBars)}`);
  const stepBars = await page.$$eval(".row[data-kind=step] .label", rows => rows.map(r => r.textContent));
  if (!stepBars.includes(`write_chapters (iteration 1 of 10, ${chapters} items)`)) failures.push(`the step bars are labelled ${JSON.stringify(stepBars)}`);
  await shot("flow-fan-out");
} catch (error) {
  failures.push(error.stack || String(error));
} finally {
  await browser.close();
}

if (failures.length > 0) {
  console.error(failures.join("\n"));
  process.exit(1);
}
console.log(`dashboard: ${step} steps passed`);
