#!/usr/bin/env node
// node-emailer: "sends" one email per record of an orderstream topic (by default `platinum`, the
// OrderEnriched records of platinum customers' orders) by appending a line to a file. It uses only
// Node's built-ins (fetch needs Node 18+) and orderstream's REST Proxy consumer API:
// create a consumer instance in a group, subscribe, long-poll for records, write the emails, then
// commit the offsets, so a restarted emailer resumes after the last committed record.
//
// Usage: node emailer.js [OUT_FILE]
//   OUT_FILE (or EMAILS_FILE)     file the emails are appended to (default ./emails.txt)
//   ORDERSTREAM_URL               server base URL (default http://127.0.0.1:8080)
//   EMAILER_GROUP                 consumer group (default node-emailer)
//   EMAILER_TOPIC                 topic (default platinum)
'use strict';

const fs = require('node:fs');

const base = (process.env.ORDERSTREAM_URL || 'http://127.0.0.1:8080').replace(/\/$/, '');
const outFile = process.argv[2] || process.env.EMAILS_FILE || 'emails.txt';
const group = process.env.EMAILER_GROUP || 'node-emailer';
const topic = process.env.EMAILER_TOPIC || 'platinum';
const CT = 'application/vnd.kafka.json.v2+json';

let instanceUri = null;
let stopping = false;

async function call(method, path, body) {
  const res = await fetch(path.startsWith('http') ? path : base + path, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': CT },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  const json = text ? JSON.parse(text) : null;
  if (!res.ok) {
    const err = new Error(`${method} ${path}: ${res.status} ${text}`);
    err.status = res.status;
    throw err;
  }
  return json;
}

// Order ids already emailed, from the file: commits happen after the writes, so after a crash
// between the two the last records come again and are skipped here (one email per order).
function alreadySent() {
  const sent = new Set();
  if (!fs.existsSync(outFile)) return sent;
  for (const line of fs.readFileSync(outFile, 'utf8').split('\n')) {
    const m = /\border=(\S+)/.exec(line);
    if (m) sent.add(m[1]);
  }
  return sent;
}

async function createInstance() {
  const name = `emailer-${process.pid}-${Date.now()}`;
  const created = await call('POST', `/consumers/${encodeURIComponent(group)}`,
    { name, format: 'json', 'auto.offset.reset': 'earliest' });
  const path = `/consumers/${encodeURIComponent(group)}/instances/${encodeURIComponent(created.instance_id)}`;
  await call('POST', `${path}/subscription`, { topics: [topic] });
  return path;
}

function render(record) {
  const v = record.value || {};
  const order = v.id || record.key;
  return `${new Date().toISOString()} to=customer-${v.customerId} order=${order} ` +
    `subject="Thank you for your order ${order}" level=${v.customerLevel || topic}`;
}

async function run() {
  const sent = alreadySent();
  instanceUri = await createInstance();
  console.log(`node-emailer: consuming ${topic} as group ${group}, writing to ${outFile}`);
  while (!stopping) {
    let records;
    try {
      records = await call('GET', `${instanceUri}/records?timeout=5000`);
    } catch (e) {
      if (e.status === 404) { instanceUri = await createInstance(); continue; }  // expired
      throw e;
    }
    if (records.length === 0) continue;
    const last = new Map();  // partition -> last offset
    let lines = '';
    for (const r of records) {
      const order = (r.value && r.value.id) || r.key;
      if (!sent.has(order)) { lines += render(r) + '\n'; sent.add(order); }
      last.set(r.partition, r.offset);
    }
    if (lines) fs.appendFileSync(outFile, lines);  // "send" first, then commit
    const offsets = [...last].map(([partition, offset]) => ({ topic, partition, offset }));
    await call('POST', `${instanceUri}/offsets`, { offsets });
  }
}

async function shutdown() {
  stopping = true;
  if (instanceUri) await call('DELETE', instanceUri).catch(() => {});
  process.exit(0);
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);

run().catch((e) => {
  console.error(`node-emailer: ${e.message}`);
  process.exit(1);
});
