// The web console in a real browser: Debian's chromium, headless, driven by playwright-core
// (npm, package-lock.json) against a running `orderstream serve` that the calling test started.
// Usage: node console_scenarios.mjs BASE_URL ARTIFACT_DIR PHASE [ARG...]
// Each phase prints "ok <phase>" and exits 0, or prints what it saw and exits 1. Any error in the
// browser's console or an uncaught exception in the page fails the phase. Every phase saves a
// screenshot of where it ended as ARTIFACT_DIR/<phase>.png.
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

const [base, artifacts, phase, ...args] = process.argv.slice(2);
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const WAIT_MS = 15000;  // a condition's deadline; the phase as a whole has the caller's

function fail(message) {
  throw new Error(message);
}

// The text of every cell of `selector`'s body rows, row by row.
async function rows(page, selector) {
  return page.$$eval(`${selector} tbody tr`, (trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent)));
}

async function waitForRow(page, selector, predicate, what) {
  const deadline = Date.now() + WAIT_MS;
  let seen = [];
  while (Date.now() < deadline) {
    seen = await rows(page, selector);
    const row = seen.find(predicate);
    if (row) return row;
    await page.waitForTimeout(50);
  }
  fail(`${what}: not in ${selector} within ${WAIT_MS} ms; rows: ${JSON.stringify(seen)}`);
}

const phases = {
  // The topics page lists every topic with its offsets; a topic's row opens its partitions.
  async topics(page, [minOrders]) {
    await page.goto(base + '/');  // the root redirects to the console
    if (!page.url().endsWith('/ui/')) fail(`/ redirected to ${page.url()}, not /ui/`);
    const orders = await waitForRow(page, '#topics', (r) => r[0] === 'orders' && Number(r[2].replace(/,/g, '')) >= Number(minOrders),
                                    `orders with at least ${minOrders} records`);
    if (orders[1] !== '4') fail(`orders has ${orders[1]} partitions, expected 4`);
    if (!orders[5].includes('orders service')) fail(`orders' owner is '${orders[5]}'`);
    await page.click('#topics tbody tr[data-topic="orders"]');
    await page.waitForSelector('#topic-detail:not([hidden])');
    const heading = await page.textContent('#topic-detail h3');
    if (heading !== 'orders') fail(`the detail shows '${heading}'`);
    const parts = await rows(page, '#topic-detail .partitions');
    if (parts.length !== 4) fail(`the detail lists ${parts.length} partitions: ${JSON.stringify(parts)}`);
    const total = parts.reduce((n, p) => n + Number(p[3].replace(/,/g, '')), 0);
    if (total < Number(minOrders)) fail(`the partitions hold ${total} records`);
    const configs = await page.textContent('#topic-detail dl');
    if (!configs.includes('cleanup.policy')) fail(`configs: ${configs}`);
  },

  // The message browser seeks by offset, filters by key, shows JSON values as fields, and its
  // live tail shows an order posted after it started.
  async messages(page) {
    await page.goto(base + '/ui/');
    await waitForRow(page, '#topics', (r) => r[0] === 'orders', 'orders');
    await page.click('#topics tbody tr[data-topic="orders"]');
    await page.waitForSelector('#topic-detail:not([hidden])');

    await page.selectOption('#browse-seek', 'offset');
    await page.fill('#browse-at', '1');
    await page.click('#browse-form button[type="submit"]');
    const fromOne = await waitForRow(page, '#messages', () => true, 'records from offset 1');
    if (fromOne.length !== 6) fail(`a record row has ${fromOne.length} cells`);
    for (const r of await rows(page, '#messages'))
      if (Number(r[1]) < 1) fail(`offset ${r[1]} shown after seeking to offset 1`);

    await page.selectOption('#browse-seek', 'earliest');
    await page.fill('#browse-key', 'ui-3');
    await page.click('#browse-form button[type="submit"]');
    await waitForRow(page, '#messages', (r) => r[3] === 'ui-3' && r[4].includes('VALIDATED'), "ui-3's VALIDATED record");
    const keyed = await rows(page, '#messages');
    if (keyed.length !== 2 || keyed.some((r) => r[3] !== 'ui-3')) fail(`key ui-3 shows ${JSON.stringify(keyed)}`);
    const field = await page.textContent('#messages tbody tr details .json-nested');
    if (!field.includes('customerId: 7')) fail(`the value's fields read '${field}'`);

    await page.fill('#browse-key', 'ui-tail');
    await page.selectOption('#browse-seek', 'latest');
    await page.click('#browse-form button[type="submit"]');
    await page.check('#browse-tail');
    const posted = await fetch(base + '/v1/orders', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ id: 'ui-tail', customerId: 7, state: 'CREATED', product: 'JUMPERS', quantity: 1, price: 2.5 }),
    });
    if (posted.status !== 201) fail(`posting ui-tail: ${posted.status}`);
    await waitForRow(page, '#messages', (r) => r[3] === 'ui-tail', 'ui-tail in the live tail');
  },

  // The groups page lists the stream tasks' groups with their lag; a row opens its partitions.
  async groups(page) {
    await page.goto(base + '/ui/#groups');
    const row = await waitForRow(page, '#groups', (r) => r[0] === 'validations-aggregator', 'the aggregator group');
    if (row[3] !== 'stream task') fail(`the aggregator's group shows owner '${row[3]}'`);
    await page.click('#groups tbody tr[data-group="validations-aggregator"]');
    await page.waitForSelector('#group-detail:not([hidden])');
    const parts = await rows(page, '#group-detail .partitions');
    const topics = new Set(parts.map((p) => p[0]));
    if (!topics.has('orders') || !topics.has('order-validations'))
      fail(`the aggregator's partitions: ${JSON.stringify(parts)}`);
    for (const p of parts) if (Number(p[4].replace(/,/g, '')) !== Number(p[3].replace(/,/g, '')) - Number(p[2].replace(/,/g, '')))
      fail(`lag is not end - committed in ${JSON.stringify(p)}`);
  },

  // A statement runs through /ksql and its answer shows as a table; a bad one shows its error.
  async sql(page) {
    await page.goto(base + '/ui/#sql');
    await page.fill('#sql-text', "CREATE STREAM big AS SELECT * FROM orders WHERE quantity > 10; SHOW STREAMS;");
    await page.click('#sql-form button');
    await page.waitForFunction(() => document.querySelector('#sql-result').textContent.includes('BIG'), null, { timeout: WAIT_MS });
    const result = await page.textContent('#sql-result');
    if (!/streams \(\d+\)/.test(result)) fail(`SHOW STREAMS answered: ${result}`);
    await page.fill('#sql-text', 'SELEC nothing;');
    await page.click('#sql-form button');
    await page.waitForSelector('#sql-error:not([hidden])', { timeout: WAIT_MS });
    const error = await page.textContent('#sql-error');
    if (!error.startsWith('400')) fail(`a bad statement showed '${error}'`);
  },

  // With --api-token the console asks once, keeps the token for the session and then works.
  async token(page, [token]) {
    await page.goto(base + '/ui/');
    await page.waitForSelector('#token-dialog[open]', { timeout: WAIT_MS });
    await page.fill('#token-input', token);
    await page.click('#token-form button');
    await waitForRow(page, '#topics', (r) => r[0] === 'orders', 'orders after the token');
    await page.reload();
    await waitForRow(page, '#topics', (r) => r[0] === 'orders', 'orders after a reload');
    if (await page.$('#token-dialog[open]')) fail('the console asked for the token again after a reload');
  },
};

async function main() {
  if (!phases[phase]) fail(`unknown phase '${phase}' (phases: ${Object.keys(phases).join(', ')})`);
  mkdirSync(artifacts, { recursive: true });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
  const problems = [];
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    // Some phases get error answers on purpose (the token phase's first calls 401, the sql
    // phase's bad statement 400); the browser reports each failed request in its console.
    const expected = { token: '401', sql: '400' }[phase];
    page.on('console', (m) => {
      if (m.type() !== 'error') return;
      if (expected && m.text().includes(`status of ${expected}`)) return;
      problems.push(`console error: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    try {
      await phases[phase](page, args);
    } finally {
      await page.screenshot({ path: join(artifacts, `${phase}.png`) });
    }
  } finally {
    await browser.close();
  }
  if (problems.length) fail(problems.join('\n'));
  console.log(`ok ${phase}`);
}

main().catch((e) => {
  console.error(`${phase}: ${e.message}`);
  process.exit(1);
});
