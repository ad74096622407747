#!/usr/bin/env node
// node-emailer: "sends" one email per record of an orderstream topic (by default `platinum`, the
// OrderEnriched records of platinum customers' orders) by appending a line to a file. As the
// article's Node.js emailer does, it is a plain Kafka consumer: kafkajs (the project's
// package.json; scripts/deps.sh runs npm ci) in a consumer group on orderstream's Kafka listener,
// committing after the emails are written, so a restarted emailer resumes after the last one.
//
// Usage: node emailer.js [OUT_FILE]
//   OUT_FILE (or EMAILS_FILE)     file the emails are appended to (default ./emails.txt)
//   ORDERSTREAM_KAFKA             the Kafka listener, host:port (default 127.0.0.1:9092)
//   EMAILER_GROUP                 consumer group (default node-emailer)
//   EMAILER_TOPIC                 topic (default platinum; e.g. a stream you made with SQL)
'use strict';

const fs = require('node:fs');
const { Kafka, logLevel } = require('kafkajs');

const broker = process.env.ORDERSTREAM_KAFKA || '127.0.0.1:9092';
const outFile = process.argv[2] || process.env.EMAILS_FILE || 'emails.txt';
const group = process.env.EMAILER_GROUP || 'node-emailer';
const topic = process.env.EMAILER_TOPIC || 'platinum';

const kafka = new Kafka({ clientId: 'node-emailer', brokers: [broker], logLevel: logLevel.WARN });
const consumer = kafka.consumer({ groupId: group });

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

// An OrderEnriched record of a level topic ({"id","customerId","customerLevel"}), or a SQL
// stream's row with orderId (and email) fields.
function render(order, v) {
  const to = v.email || `customer-${v.customerId}`;
  return `${new Date().toISOString()} to=${to} order=${order} ` +
    `subject="Thank you for your order ${order}" level=${v.customerLevel || topic}`;
}

async function run() {
  const sent = alreadySent();
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  console.log(`node-emailer: consuming ${topic} as group ${group} on ${broker}, writing to ${outFile}`);
  // kafkajs commits a batch's offsets once eachBatch has returned: the emails are on disk first.
  await consumer.run({
    eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
      let lines = '';
      for (const message of batch.messages) {
        const v = message.value ? JSON.parse(message.value.toString()) : {};
        const order = v.id || v.orderId || (message.key && message.key.toString());
        if (!sent.has(order)) { lines += render(order, v) + '\n'; sent.add(order); }
      }
      if (lines) fs.appendFileSync(outFile, lines);  // "send" first, then commit
      for (const message of batch.messages) resolveOffset(message.offset);
      await heartbeat();
    },
  });
}

async function shutdown() {
  await consumer.disconnect().catch(() => {});  // leaves the group: the others take its partitions
  process.exit(0);
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
consumer.on(consumer.events.CRASH, (e) => {
  if (e.payload.restart) return;  // kafkajs restarts the consumer itself after retriable errors
  console.error(`node-emailer: ${e.payload.error.message}`);
  process.exit(1);
});

run().catch((e) => {
  console.error(`node-emailer: ${e.message}`);
  process.exit(1);
});
