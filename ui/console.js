// The orderstream web console: plain ES modules over the server's own JSON API, no framework.
// Every value from the server is put into the page as text (textContent), never as HTML.

const TOKEN_KEY = 'orderstream.apiToken';
const REFRESH_MS = 2000;

// --- the API, with the token the user gave once per browser session -------------------------

let tokenPrompt = null;  // one dialog at a time, however many requests got 401

function askToken() {
  if (!tokenPrompt) {
    tokenPrompt = new Promise((resolve) => {
      const dialog = document.getElementById('token-dialog');
      const input = document.getElementById('token-input');
      dialog.addEventListener('close', () => {
        sessionStorage.setItem(TOKEN_KEY, input.value);
        input.value = '';
        tokenPrompt = null;
        resolve();
      }, { once: true });
      dialog.showModal();
    });
  }
  return tokenPrompt;
}

export async function api(path, options = {}) {
  for (;;) {
    const headers = new Headers(options.headers || {});
    const token = sessionStorage.getItem(TOKEN_KEY);
    if (token) headers.set('Authorization', 'Bearer ' + token);
    const res = await fetch(path, { ...options, headers });
    if (res.status === 401) {
      await askToken();
      continue;
    }
    const text = await res.text();
    let body = null;
    try { body = text ? JSON.parse(text) : null; } catch { body = text; }
    if (!res.ok) {
      const message = (body && (body.message || body.error)) || res.statusText;
      throw new Error(`${res.status} ${message}`);
    }
    return body;
  }
}

// --- small DOM helpers ---------------------------------------------------------------------

function cell(row, text, cls) {
  const td = row.insertCell();
  td.textContent = text === null || text === undefined ? '' : String(text);
  if (cls) td.className = cls;
  return td;
}

function fill(tbody, items, render) {
  tbody.replaceChildren();
  for (const item of items) render(tbody.insertRow(), item);
}

const number = (n) => Number(n).toLocaleString('en-US');

// Who owns a topic, from the server's refusal text ("topic X is written only by the orders
// service (...)"): the service's name, or the whole text when it says it otherwise.
function ownerName(refusal) {
  if (!refusal) return '';
  const m = /written only by (?:the )?(.+?)(?: \(|$)/.exec(refusal);
  return m ? m[1] : refusal;
}

// --- pages ---------------------------------------------------------------------------------

const pages = {
  topics: { refresh: refreshTopics },
  groups: { refresh: refreshGroups },
  sql: { refresh: null },
};
let current = null;
let selectedTopic = null;
let selectedGroup = null;

async function refreshTopics() {
  const { topics } = await api('/v1/admin/topics');
  fill(document.querySelector('#topics tbody'), topics, (row, t) => {
    row.className = 'link';
    row.dataset.topic = t.name;
    cell(row, t.name);
    cell(row, t.partitions, 'num');
    cell(row, number(t.records), 'num');
    cell(row, number(t.bytes), 'num');
    cell(row, number(t.maxLag), 'num');
    cell(row, ownerName(t.owner), 'owner').title = t.owner || 'clients may write it';
    row.addEventListener('click', () => { selectedTopic = t.name; showTopic(t); });
  });
  const selected = topics.find((t) => t.name === selectedTopic);
  if (selected) showTopic(selected);
}

function showTopic(t) {
  const box = document.getElementById('topic-detail');
  const changed = box.hidden || box.querySelector('h3').textContent !== t.name;
  box.hidden = false;
  box.querySelector('h3').textContent = t.name;
  if (changed) resetBrowser(t);
  fill(box.querySelector('.partitions tbody'), t.partitionOffsets, (row, p) => {
    cell(row, p.partition, 'num');
    cell(row, number(p.start), 'num');
    cell(row, number(p.end), 'num');
    cell(row, number(p.records), 'num');
    cell(row, number(p.bytes), 'num');
  });
  const dl = box.querySelector('dl');
  dl.replaceChildren();
  for (const [k, v] of Object.entries(t.configs)) {
    const dt = document.createElement('dt');
    dt.textContent = k;
    const dd = document.createElement('dd');
    dd.textContent = v;
    dl.append(dt, dd);
  }
}

// --- the message browser: GET /v1/admin/topics/{topic}/records --------------------------------

const browser = { topic: null, next: new Map(), shown: new Set() };

function resetBrowser(t) {
  browser.topic = t.name;
  browser.next.clear();
  browser.shown.clear();
  const select = document.getElementById('browse-partition');
  select.replaceChildren(new Option('all', ''));
  for (let p = 0; p < t.partitions; ++p) select.append(new Option(String(p), String(p)));
  document.querySelector('#messages tbody').replaceChildren();
  document.getElementById('browse-more').hidden = true;
}

// A JSON value as nested, collapsible fields; anything else as text.
function jsonNode(value, label) {
  if (value === null || typeof value !== 'object') {
    const span = document.createElement('div');
    if (label !== undefined) span.append(Object.assign(document.createElement('span'), { className: 'json-key', textContent: label + ': ' }));
    span.append(JSON.stringify(value));
    return span;
  }
  const details = document.createElement('details');
  details.open = label === undefined;
  const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v]) : Object.entries(value);
  const summary = document.createElement('summary');
  summary.textContent = (label !== undefined ? label + ': ' : '') + (Array.isArray(value) ? `[${entries.length}]` : `{${entries.length}}`);
  details.append(summary);
  const inner = document.createElement('div');
  inner.className = 'json-nested';
  for (const [k, v] of entries) inner.append(jsonNode(v, k));
  details.append(inner);
  return details;
}

function valueCell(row, text) {
  const td = row.insertCell();
  if (text === null) {
    td.textContent = 'null';
    return;
  }
  try {
    const parsed = JSON.parse(text);
    if (parsed !== null && typeof parsed === 'object') {
      td.append(jsonNode(parsed));
      return;
    }
  } catch { /* not JSON: shown as text */ }
  td.textContent = text;
}

function addMessages(records) {
  const tbody = document.querySelector('#messages tbody');
  const rowsToAdd = [];
  for (const r of records) {
    const id = `${r.partition}-${r.offset}`;
    if (browser.shown.has(id)) continue;
    browser.shown.add(id);
    const row = document.createElement('tr');
    row.dataset.partition = r.partition;
    row.dataset.offset = r.offset;
    cell(row, r.partition, 'num');
    cell(row, r.offset, 'num');
    cell(row, new Date(r.timestamp).toISOString());
    cell(row, r.key);
    valueCell(row, r.value);
    cell(row, r.headers.map(([k, v]) => `${k}=${v}`).join(' '));
    rowsToAdd.push(row);
  }
  tbody.append(...rowsToAdd);
}

function browseQuery(extra) {
  const params = new URLSearchParams(extra);
  const key = document.getElementById('browse-key').value;
  const text = document.getElementById('browse-text').value;
  if (key) params.set('key', key);
  if (text) params.set('q', text);
  return `/v1/admin/topics/${encodeURIComponent(browser.topic)}/records?${params}`;
}

function remember(answer) {
  for (const p of answer.partitions) browser.next.set(p.partition, p);
  const more = [...browser.next.values()].some((p) => p.next < p.end);
  document.getElementById('browse-more').hidden = !more;
}

async function browse(event) {
  event.preventDefault();
  const params = {};
  const partition = document.getElementById('browse-partition').value;
  if (partition !== '') params.partition = partition;
  const seek = document.getElementById('browse-seek').value;
  const at = document.getElementById('browse-at').value;
  if (seek === 'latest') params.offset = 'latest';
  else if (seek === 'offset') params.offset = at || '0';
  else if (seek === 'timestamp') params.timestamp = at || '0';
  browser.next.clear();
  browser.shown.clear();
  document.querySelector('#messages tbody').replaceChildren();
  const answer = await api(browseQuery(params));
  addMessages(answer.records);
  remember(answer);
}

// The next page of each partition that has one (one request per partition: each has its own
// next offset); the live tail asks every partition, since new records may have arrived anywhere.
async function browseOn({ tailing }) {
  const pending = [...browser.next.values()].filter((p) => p.next < p.end || tailing);
  const answers = await Promise.all(pending.map((p) => api(browseQuery({ partition: p.partition, offset: p.next }))));
  const records = answers.flatMap((a) => a.records).sort((a, b) => a.timestamp - b.timestamp);
  addMessages(records);
  for (const a of answers) remember(a);
}

async function tail() {
  if (current === 'topics' && browser.topic && browser.next.size && document.getElementById('browse-tail').checked)
    await browseOn({ tailing: true });
}

async function refreshGroups() {
  const { groups } = await api('/v1/admin/groups');
  fill(document.querySelector('#groups tbody'), groups, (row, g) => {
    row.className = 'link';
    row.dataset.group = g.group;
    cell(row, g.group);
    cell(row, number(g.lag), 'num');
    cell(row, g.partitions.length, 'num');
    cell(row, g.owner ? 'stream task' : '', 'owner').title = g.owner || 'a client group';
    row.addEventListener('click', () => { selectedGroup = g.group; showGroup(g); });
  });
  const selected = groups.find((g) => g.group === selectedGroup);
  if (selected) showGroup(selected);
}

function showGroup(g) {
  const box = document.getElementById('group-detail');
  box.hidden = false;
  box.querySelector('h3').textContent = g.group;
  fill(box.querySelector('tbody'), g.partitions, (row, p) => {
    cell(row, p.topic);
    cell(row, p.partition, 'num');
    cell(row, number(p.committed), 'num');
    cell(row, number(p.end), 'num');
    cell(row, number(p.lag), 'num');
  });
}

// --- SQL: statements through /ksql, each answer shown as a table where it lists things --------

function renderSqlAnswer(answer) {
  const out = document.createElement('div');
  const lists = Object.entries(answer).filter(([k, v]) => Array.isArray(v) && k !== 'warnings');
  if (lists.length === 0) {
    const pre = document.createElement('pre');
    pre.textContent = JSON.stringify(answer, null, 2);
    out.append(pre);
    return out;
  }
  for (const [name, items] of lists) {
    const h = document.createElement('h4');
    h.textContent = `${name} (${items.length})`;
    out.append(h);
    const columns = [...new Set(items.flatMap((i) => (i && typeof i === 'object' ? Object.keys(i) : ['value'])))];
    const table = document.createElement('table');
    const head = table.createTHead().insertRow();
    for (const c of columns) head.append(Object.assign(document.createElement('th'), { textContent: c }));
    const body = table.createTBody();
    for (const item of items) {
      const row = body.insertRow();
      for (const c of columns) {
        const v = item && typeof item === 'object' ? item[c] : item;
        cell(row, v !== null && typeof v === 'object' ? JSON.stringify(v) : v);
      }
    }
    out.append(table);
  }
  return out;
}

async function runSql(event) {
  event.preventDefault();
  const error = document.getElementById('sql-error');
  const result = document.getElementById('sql-result');
  error.hidden = true;
  result.replaceChildren();
  try {
    const answers = await api('/ksql', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ ksql: document.getElementById('sql-text').value }),
    });
    for (const a of answers) result.append(renderSqlAnswer(a));
  } catch (e) {
    error.textContent = e.message;
    error.hidden = false;
  }
}

// --- health badge, navigation, refresh loop ------------------------------------------------

async function refreshHealth() {
  const badge = document.getElementById('health');
  try {
    const h = await api('/health');
    badge.textContent = h.status;
    badge.className = 'badge ' + h.status;
    badge.title = JSON.stringify(h);
  } catch (e) {
    badge.textContent = 'unreachable';
    badge.className = 'badge failed';
    badge.title = e.message;
  }
}

async function refresh() {
  await refreshHealth();
  await tail().catch((e) => console.warn(`tail: ${e.message}`));
  const page = pages[current];
  if (page && page.refresh) {
    try {
      await page.refresh();
    } catch (e) {
      console.warn(`refreshing ${current}: ${e.message}`);
    }
  }
}

function show(name) {
  if (!pages[name]) name = 'topics';
  current = name;
  for (const p of Object.keys(pages)) document.getElementById('page-' + p).hidden = p !== name;
  for (const a of document.querySelectorAll('nav a')) a.classList.toggle('active', a.dataset.page === name);
  refresh();
}

document.getElementById('sql-form').addEventListener('submit', runSql);
document.getElementById('browse-form').addEventListener('submit', (e) => browse(e).catch((err) => console.warn(err.message)));
document.getElementById('browse-more').addEventListener('click', () => browseOn({ tailing: false }).catch((err) => console.warn(err.message)));
window.addEventListener('hashchange', () => show(location.hash.slice(1)));
show(location.hash.slice(1));
setInterval(refresh, REFRESH_MS);
