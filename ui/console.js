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
  box.hidden = false;
  box.querySelector('h3').textContent = t.name;
  fill(box.querySelector('tbody'), t.partitionOffsets, (row, p) => {
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
window.addEventListener('hashchange', () => show(location.hash.slice(1)));
show(location.hash.slice(1));
setInterval(refresh, REFRESH_MS);
