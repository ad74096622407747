#!/usr/bin/env node
// kafkajs 2.2.4 (npm, from the project's package-lock.json) against orderstream's Kafka listener.
//
// Usage: node kafkajs_scenarios.js BOOTSTRAP PHASE...
//   BOOTSTRAP  host:port of `orderstream serve --kafka-listener`
//   PHASE      metadata | roundtrip | codecs | timestamps | group | commit | resume | ownership
//              | idempotent
// Runs the phases in order and exits 1 with "FAIL <phase>: <why>" on the first failure; prints
// "ok <phase>" after each that passed. The server must have been started with 4 partitions.
// `commit` then `resume` (possibly against a restarted server) show committed offsets are kept.
// `idempotent` needs InitProducerId (idempotent: true). Codecs: gzip (built in) and snappy
// (kafkajs-snappy, pure JS); lz4 and zstd have only native-addon codecs for kafkajs, not used.
'use strict';

let kafkajs, SnappyCodec;
try {
  kafkajs = require('kafkajs');
  SnappyCodec = require('kafkajs-snappy');
} catch (e) {
  console.error(`FAIL setup: ${e.message}: scripts/deps.sh installs kafkajs (npm ci in the project root)`);
  process.exit(1);
}
const { Kafka, CompressionTypes, CompressionCodecs, logLevel } = kafkajs;
CompressionCodecs[CompressionTypes.Snappy] = SnappyCodec;

const PARTITIONS = 4;
const WAIT_MS = 20000;

class Failure extends Error {}
function expect(cond, why) {
  if (!cond) throw new Failure(why);
}

const bootstrap = process.argv[2];
const kafka = new Kafka({
  clientId: 'kafkajs-scenarios',
  brokers: [bootstrap],
  logLevel: logLevel.NOTHING,
  retry: { retries: 3, initialRetryTime: 100 },
});

async function waitFor(cond, what, detail = () => '') {
  const deadline = Date.now() + WAIT_MS;
  while (Date.now() < deadline) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Failure(`${what} ${detail()}`);
}

function someRecords(tag, n) {
  const out = [];
  for (let i = 0; i < n; i++) {
    out.push({ partition: i % PARTITIONS, key: `${tag}-k${i}`, value: `${tag}-v${i}`.repeat(1 + i),
               headers: { src: 'kafkajs', i: String(i) } });
  }
  return out;
}

// Runs fn(admin) with a connected admin client, disconnected after.
async function withAdmin(fn) {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return await fn(admin);
  } finally {
    await admin.disconnect();
  }
}

// Sends the records (one batch per call) and returns kafkajs' RecordMetadata.
async function sendAll(topic, records, options = {}) {
  const producer = kafka.producer(options.producer || {});
  await producer.connect();
  try {
    return await producer.send({ topic, acks: -1, compression: options.compression, messages: records });
  } finally {
    await producer.disconnect();
  }
}

// Reads n records of the topic with a fresh group from the beginning; returns them.
async function readN(topic, n, groupId, options = {}) {
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 200, heartbeatInterval: 200, ...options });
  const got = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) => { got.push({ partition, ...message }); },
    });
    await waitFor(() => got.length >= n, `read ${got.length} of ${n} records of ${topic}`);
    return got;
  } finally {
    await consumer.disconnect();
  }
}

function checkSame(records, got, what) {
  expect(got.length === records.length, `${what}: ${got.length} records back, ${records.length} sent`);
  const next = new Map();
  const want = records.map((r) => {
    const offset = next.get(r.partition) || 0;
    next.set(r.partition, offset + 1);
    return { ...r, offset: String(offset) };
  });
  const order = (a, b) => a.partition - b.partition || Number(a.offset) - Number(b.offset);
  want.sort(order);
  got = [...got].sort(order);
  for (let i = 0; i < want.length; i++) {
    const w = want[i], g = got[i];
    const headers = Object.fromEntries(Object.entries(g.headers || {}).map(([k, v]) => [k, v.toString()]));
    const have = { partition: g.partition, offset: g.offset, key: g.key && g.key.toString(),
                   value: g.value && g.value.toString(), headers };
    const expected = { partition: w.partition, offset: w.offset, key: w.key, value: w.value, headers: w.headers };
    expect(JSON.stringify(have) === JSON.stringify(expected),
           `${what}: got ${JSON.stringify(have)}, want ${JSON.stringify(expected)}`);
  }
}

const phases = {
  async metadata() {
    await withAdmin(async (admin) => {
      expect(await admin.createTopics({ topics: [{ topic: 'kjs-created', numPartitions: 2 }], waitForLeaders: true }),
             'createTopics answered false');
      const topics = await admin.listTopics();
      expect(topics.includes('orders') && topics.includes('kjs-created'), `listTopics: ${topics}`);
      const md = await admin.fetchTopicMetadata({ topics: ['orders', 'kjs-created'] });
      const parts = Object.fromEntries(md.topics.map((t) => [t.name, t.partitions.map((p) => p.partitionId).sort()]));
      expect(JSON.stringify(parts.orders) === '[0,1,2,3]' && JSON.stringify(parts['kjs-created']) === '[0,1]',
             `partitions: ${JSON.stringify(parts)}`);
      expect(md.topics.every((t) => t.partitions.every((p) => p.leader === 0)), 'a leader is not broker 0');
    });
  },

  async roundtrip() {
    const records = someRecords('rt', 12);
    // One request per partition batch: each partition's base offset is 0.
    const acked = await sendAll('kjs-roundtrip', records);
    const bases = acked.map((m) => `${m.partition}:${m.baseOffset}:${m.errorCode}`).sort();
    expect(JSON.stringify(bases) === JSON.stringify(['0:0:0', '1:0:0', '2:0:0', '3:0:0']), `acks: ${bases}`);
    checkSame(records, await readN('kjs-roundtrip', records.length, 'kjs-rt-reader'), 'roundtrip');
  },

  async codecs() {
    for (const [name, codec] of [['gzip', CompressionTypes.GZIP], ['snappy', CompressionTypes.Snappy]]) {
      const topic = `kjs-codec-${name}`;
      const records = someRecords(name, 40);
      await sendAll(topic, records, { compression: codec });
      checkSame(records, await readN(topic, records.length, `kjs-${name}-reader`), name);
    }
    console.log('codecs: gzip snappy (lz4 and zstd: kafkajs has only native-addon codecs for them)');
  },

  async timestamps() {
    const t0 = 1700000000000;
    const records = [0, 1, 2].map((i) => ({ partition: 0, key: `t${i}`, value: `at+${i}s`, timestamp: String(t0 + 1000 * i) }));
    await sendAll('kjs-times', records);
    await withAdmin(async (admin) => {
      const found = await admin.fetchTopicOffsetsByTimestamp('kjs-times', t0 + 1000);
      const p0 = found.find((p) => p.partition === 0);
      expect(p0 && p0.offset === '1', `fetchTopicOffsetsByTimestamp(t0+1s): ${JSON.stringify(found)}`);
      const later = await admin.fetchTopicOffsetsByTimestamp('kjs-times', t0 + 5000);
      // Past every record Kafka answers -1, which kafkajs maps to the partition's end.
      expect(later.find((p) => p.partition === 0).offset === '3', `a time after every record: ${JSON.stringify(later)}`);
    });
    const consumer = kafka.consumer({ groupId: 'kjs-times-reader', maxWaitTimeInMs: 200 });
    const got = [];
    await consumer.connect();
    try {
      // From the end: only the seek can bring the records back.
      await consumer.subscribe({ topic: 'kjs-times', fromBeginning: false });
      await consumer.run({ autoCommit: false, eachMessage: async ({ partition, message }) => {
        if (partition === 0) got.push(message);
      } });
      consumer.seek({ topic: 'kjs-times', partition: 0, offset: '1' });
      await waitFor(() => got.length >= 2, `read ${got.length} of 2 records after the seek`);
    } finally {
      await consumer.disconnect();
    }
    const have = got.slice(0, 2).map((m) => [m.offset, m.value.toString(), m.timestamp]);
    expect(JSON.stringify(have) === JSON.stringify([['1', 'at+1s', String(t0 + 1000)], ['2', 'at+2s', String(t0 + 2000)]]),
           `read after seek: ${JSON.stringify(have)}`);
  },

  async group() {
    await withAdmin((admin) => admin.createTopics({ topics: [{ topic: 'kjs-split', numPartitions: PARTITIONS }] }));
    const member = async () => {
      const c = kafka.consumer({ groupId: 'kjs-split', sessionTimeout: 6000, heartbeatInterval: 200,
                                 rebalanceTimeout: 10000, maxWaitTimeInMs: 200 });
      c.assigned = [];
      c.on(c.events.GROUP_JOIN, (e) => { c.assigned = (e.payload.memberAssignment['kjs-split'] || []).slice().sort(); });
      c.on(c.events.CRASH, (e) => { c.crashed = e.payload.error; });
      await c.connect();
      await c.subscribe({ topic: 'kjs-split' });
      await c.run({ eachMessage: async () => {} });
      return c;
    };
    const whole = JSON.stringify([0, 1, 2, 3]);
    const a = await member();
    let b;
    const state = () => `a=${JSON.stringify(a.assigned)} b=${b && JSON.stringify(b.assigned)} ` +
                        `crashes: ${a.crashed || ''} ${(b && b.crashed) || ''}`;
    try {
      await waitFor(() => JSON.stringify(a.assigned) === whole, 'the first member never got all 4 partitions', state);
      b = await member();
      await waitFor(() => a.assigned.length === 2 && b.assigned.length === 2 &&
                          JSON.stringify([...a.assigned, ...b.assigned].sort()) === whole,
                    'two members did not split 2 and 2', state);
      await b.disconnect();  // leaves the group
      await waitFor(() => JSON.stringify(a.assigned) === whole, 'the survivor did not get all 4 back', state);
    } finally {
      await a.disconnect();
    }
  },

  async commit() {
    const records = someRecords('before', 8);
    await sendAll('kjs-progress', records);
    const consumer = kafka.consumer({ groupId: 'kjs-resume', maxWaitTimeInMs: 200 });
    const got = [];
    await consumer.connect();
    try {
      await consumer.subscribe({ topic: 'kjs-progress', fromBeginning: true });
      await consumer.run({ autoCommit: false, eachMessage: async ({ partition, message }) => {
        got.push({ partition, ...message });
      } });
      await waitFor(() => got.length >= records.length, `read ${got.length} of ${records.length}`);
      const last = new Map();
      for (const m of got) last.set(m.partition, Math.max(last.get(m.partition) ?? -1, Number(m.offset)));
      await consumer.commitOffsets([...last].map(([partition, o]) => ({ topic: 'kjs-progress', partition,
                                                                          offset: String(o + 1) })));
    } finally {
      await consumer.disconnect();
    }
    await withAdmin(async (admin) => {
      const [committed] = await admin.fetchOffsets({ groupId: 'kjs-resume', topics: ['kjs-progress'] });
      const offsets = committed.partitions.map((p) => `${p.partition}:${p.offset}`).sort();
      expect(JSON.stringify(offsets) === JSON.stringify(['0:2', '1:2', '2:2', '3:2']), `committed: ${offsets}`);
    });
  },

  async resume() {
    const late = [0, 1, 2, 3].map((i) => ({ partition: i, key: `late-k${i}`, value: `late-v${i}` }));
    await sendAll('kjs-progress', late);
    const got = await readN('kjs-progress', late.length, 'kjs-resume');
    const have = got.map((m) => `${m.partition}:${m.offset}:${m.value}`).sort();
    expect(JSON.stringify(have) === JSON.stringify(late.map((r) => `${r.partition}:2:${r.value}`)),
           `resumed reads: ${have}`);
  },

  async ownership() {
    try {
      await sendAll('orders', [{ key: 'o-x', value: '{}' }]);
      throw new Failure('producing to orders was accepted');
    } catch (e) {
      if (e instanceof Failure) throw e;
      const type = e.type || (e.cause && e.cause.type);
      expect(type === 'TOPIC_AUTHORIZATION_FAILED', `produce to orders: ${e.name} ${type} ${e.message}`);
    }
    // kafkajs commits only as a member of the group (even admin.setOffsets joins it first, and
    // never settles when that join is refused), so the refused join is its refused commit.
    const consumer = kafka.consumer({ groupId: 'inventory', maxWaitTimeInMs: 200, retry: { retries: 0 } });
    let crashed;
    consumer.on(consumer.events.CRASH, (e) => { crashed = e.payload.error; });
    await consumer.connect();
    try {
      await consumer.subscribe({ topic: 'orders' });
      await consumer.run({ eachMessage: async () => {} }).catch((e) => { crashed = e; });
      await waitFor(() => crashed !== undefined, 'joining the inventory task\'s group was not refused');
      const type = crashed.type || (crashed.cause && crashed.cause.type);
      expect(type === 'GROUP_AUTHORIZATION_FAILED', `join inventory: ${crashed.name} ${type} ${crashed.message}`);
    } finally {
      await consumer.disconnect();
    }
  },

  async idempotent() {
    const records = someRecords('idem', 20);
    await sendAll('kjs-idempotent', records, { producer: { idempotent: true, maxInFlightRequests: 1 } });
    checkSame(records, await readN('kjs-idempotent', records.length, 'kjs-idem-reader'), 'idempotent');
  },
};

async function main() {
  const names = process.argv.slice(3);
  if (!bootstrap || names.length === 0 || names.some((n) => !(n in phases))) {
    console.error(`usage: node kafkajs_scenarios.js BOOTSTRAP PHASE... (phases: ${Object.keys(phases).join(' ')})`);
    process.exit(2);
  }
  console.log(`kafkajs ${require('kafkajs/package.json').version}`);
  let current = null;
  // A promise that never settles empties the event loop and would exit 0 mid-phase.
  process.on('beforeExit', () => {
    if (current === null) return;
    console.error(`FAIL ${current}: it never settled (a client promise neither resolved nor rejected)`);
    process.exit(1);
  });
  for (const name of names) {
    current = name;
    const started = Date.now();
    try {
      await phases[name]();
    } catch (e) {
      console.error(`FAIL ${name}: ${e.name}: ${e.message}`);
      process.exit(1);
    }
    console.log(`ok ${name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  }
  current = null;
}

main();
