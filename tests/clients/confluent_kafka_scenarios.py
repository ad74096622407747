#!/usr/bin/python3
"""confluent-kafka-python (Debian's python3-confluent-kafka 1.7.0 on librdkafka 2.0.2) against
orderstream's Kafka listener.

Usage: /usr/bin/python3 confluent_kafka_scenarios.py BOOTSTRAP PHASE...
  BOOTSTRAP  host:port of `orderstream serve --kafka-listener`
  PHASE      metadata | roundtrip | codecs | timestamps | group | commit | resume | ownership
             | idempotent
Runs the phases in order and exits 1 with "FAIL <phase>: <why>" on the first failure; prints
"ok <phase>" after each that passed. The server must have been started with 4 partitions.
`commit` then `resume` (possibly against a restarted server) show committed offsets are kept.
`idempotent` needs InitProducerId (enable.idempotence=true).
"""
import sys
import time

from scenarios import PARTITIONS, WAIT_S, Failure, check_same, expect, run_phases, some_records

try:
    import confluent_kafka
    from confluent_kafka import (OFFSET_BEGINNING, Consumer, KafkaError, KafkaException, Producer,
                                 TopicPartition)
    from confluent_kafka.admin import AdminClient, NewTopic
except ImportError as e:
    sys.exit("FAIL setup: confluent-kafka is missing for %s (%s): scripts/deps.sh installs "
             "python3-confluent-kafka" % (sys.executable, e))


def producer(bootstrap, **conf):
    conf.setdefault("linger.ms", 5)
    conf["bootstrap.servers"] = bootstrap
    return Producer(conf)


def consumer(bootstrap, group, **conf):
    conf.update({"bootstrap.servers": bootstrap, "group.id": group, "enable.auto.commit": False,
                 "auto.offset.reset": "earliest"})
    return Consumer(conf)


def send_all(p, topic, records):
    """records: (partition, key, value, headers, timestamp_ms or None). Returns the delivered
    messages in the order sent; a delivery error fails."""
    delivered = [None] * len(records)

    def on_delivery(i):
        def cb(err, msg):
            delivered[i] = err if err is not None else msg
        return cb

    for i, (part, k, v, h, ts) in enumerate(records):
        kw = {"timestamp": ts} if ts is not None else {}
        p.produce(topic, value=v, key=k, partition=part, headers=h, on_delivery=on_delivery(i), **kw)
    expect(p.flush(WAIT_S) == 0, "records still undelivered after %.0f s" % WAIT_S)
    for d in delivered:
        if isinstance(d, KafkaError):
            raise KafkaException(d)
    return delivered


def read_n(c, n, deadline_s=WAIT_S):
    out = []
    deadline = time.monotonic() + deadline_s
    while len(out) < n and time.monotonic() < deadline:
        m = c.poll(0.2)
        if m is None:
            continue
        if m.error() is not None:
            if m.error().code() == KafkaError._PARTITION_EOF:
                continue
            raise KafkaException(m.error())
        out.append(m)
    expect(len(out) >= n, "read %d of %d records" % (len(out), n))
    return out


def assigned_read(bootstrap, topic, n):
    c = consumer(bootstrap, "cf-reader")
    try:
        c.assign([TopicPartition(topic, p, OFFSET_BEGINNING) for p in range(PARTITIONS)])
        return read_n(c, n)
    finally:
        c.close()


def as_tuples(got):
    return [(m.partition(), m.offset(), m.key(), m.value(), m.headers() or []) for m in got]


def some_cf_records(tag, n):
    return some_records(tag, n, b"confluent-kafka")


def create_topic(bootstrap, topic, partitions):
    # A subscription does not create its topic (librdkafka's allow.auto.create.topics=false).
    admin = AdminClient({"bootstrap.servers": bootstrap})
    for f in admin.create_topics([NewTopic(topic, partitions, 1)]).values():
        f.result(WAIT_S)


def phase_metadata(bootstrap):
    create_topic(bootstrap, "cf-created", 2)
    md = AdminClient({"bootstrap.servers": bootstrap}).list_topics(timeout=WAIT_S)
    expect("orders" in md.topics and "cf-created" in md.topics, "topics: %r" % sorted(md.topics))
    expect(sorted(md.topics["orders"].partitions) == list(range(PARTITIONS)),
           "orders partitions: %r" % sorted(md.topics["orders"].partitions))
    expect(sorted(md.topics["cf-created"].partitions) == [0, 1],
           "cf-created partitions: %r" % sorted(md.topics["cf-created"].partitions))
    expect(all(p.leader == 0 for p in md.topics["orders"].partitions.values()), "a leader is not broker 0")


def phase_roundtrip(bootstrap):
    records = some_cf_records("rt", 12)
    p = producer(bootstrap)
    acked = send_all(p, "cf-roundtrip", records)
    for i, m in enumerate(acked):
        expect((m.partition(), m.offset()) == (i % PARTITIONS, i // PARTITIONS),
               "record %d acked at %d/%d" % (i, m.partition(), m.offset()))
    check_same(records, as_tuples(assigned_read(bootstrap, "cf-roundtrip", len(records))), "roundtrip")


def phase_codecs(bootstrap):
    for codec in ("gzip", "snappy", "lz4", "zstd"):
        topic = "cf-codec-" + codec
        records = some_cf_records(codec, 40)
        send_all(producer(bootstrap, **{"compression.type": codec, "linger.ms": 50}), topic, records)
        check_same(records, as_tuples(assigned_read(bootstrap, topic, len(records))), codec)
    print("codecs: gzip snappy lz4 zstd")


def phase_timestamps(bootstrap):
    t0 = 1700000000000
    records = [(0, b"t%d" % i, b"at+%ds" % i, None, t0 + 1000 * i) for i in range(3)]
    send_all(producer(bootstrap), "cf-times", records)
    c = consumer(bootstrap, "cf-times-reader")
    try:
        found = c.offsets_for_times([TopicPartition("cf-times", 0, t0 + 1000)], timeout=WAIT_S)[0]
        expect(found.error is None and found.offset == 1, "offsets_for_times(t0+1s): %r" % found)
        later = c.offsets_for_times([TopicPartition("cf-times", 0, t0 + 5000)], timeout=WAIT_S)[0]
        expect(later.offset == -1, "a time after every record found offset %d" % later.offset)
        c.assign([found])
        got = read_n(c, 2)
        have = [(m.offset(), m.value(), m.timestamp()[1]) for m in got]
        expect(have == [(1, b"at+1s", t0 + 1000), (2, b"at+2s", t0 + 2000)], "read after seek: %r" % have)
    finally:
        c.close()


def group_member(bootstrap):
    c = consumer(bootstrap, "cf-split", **{"session.timeout.ms": 6000, "heartbeat.interval.ms": 200,
                                           "max.poll.interval.ms": 10000})
    c.subscribe(["cf-split"])
    return c


def wait_assigned(members, cond, what):
    """librdkafka runs the group protocol in its own threads; poll() serves the rebalances."""
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        for c in members:
            m = c.poll(0.05)
            if m is not None and m.error() is not None and m.error().code() != KafkaError._PARTITION_EOF:
                raise KafkaException(m.error())
        got = [{tp.partition for tp in c.assignment()} for c in members]
        if cond(*got):
            return
    raise Failure("%s; assignments: %r" % (what, got))


def phase_group(bootstrap):
    whole = set(range(PARTITIONS))
    create_topic(bootstrap, "cf-split", PARTITIONS)
    a = group_member(bootstrap)
    try:
        wait_assigned([a], lambda x: x == whole, "the first member never got all 4 partitions")
        b = group_member(bootstrap)
        try:
            wait_assigned([a, b], lambda x, y: len(x) == 2 and len(y) == 2 and x | y == whole,
                          "two members did not split 2 and 2")
        finally:
            b.close()  # leaves the group
        wait_assigned([a], lambda x: x == whole, "the survivor did not get all 4 back")
    finally:
        a.close()


def phase_commit(bootstrap):
    records = some_cf_records("before", 8)
    send_all(producer(bootstrap), "cf-progress", records)
    c = consumer(bootstrap, "cf-resume")
    try:
        c.subscribe(["cf-progress"])
        got = read_n(c, len(records))
        expect(sorted(m.value() for m in got) == sorted(r[2] for r in records), "read the wrong records")
        c.commit(asynchronous=False)
        committed = c.committed([TopicPartition("cf-progress", p) for p in range(PARTITIONS)], timeout=WAIT_S)
        expect([tp.offset for tp in committed] == [2] * PARTITIONS, "committed: %r" % committed)
    finally:
        c.close()


def phase_resume(bootstrap):
    late = [(i, b"late-k%d" % i, b"late-v%d" % i, None, None) for i in range(PARTITIONS)]
    send_all(producer(bootstrap), "cf-progress", late)
    c = consumer(bootstrap, "cf-resume")
    try:
        c.subscribe(["cf-progress"])
        got = read_n(c, len(late))
        have = sorted((m.partition(), m.offset(), m.value()) for m in got)
        expect(have == [(i, 2, b"late-v%d" % i) for i in range(PARTITIONS)], "resumed reads: %r" % have)
    finally:
        c.close()


def phase_ownership(bootstrap):
    try:
        send_all(producer(bootstrap, **{"message.send.max.retries": 0}), "orders", [(0, b"o-x", b"{}", None, None)])
        raise Failure("producing to orders was accepted")
    except KafkaException as e:
        expect(e.args[0].code() == KafkaError.TOPIC_AUTHORIZATION_FAILED, "produce to orders: %s" % e)
    c = consumer(bootstrap, "inventory")
    try:
        try:
            c.commit(offsets=[TopicPartition("orders", 0, 0)], asynchronous=False)
            raise Failure("committing for the inventory task's group was accepted")
        except KafkaException as e:
            expect(e.args[0].code() == KafkaError.GROUP_AUTHORIZATION_FAILED, "commit for inventory: %s" % e)
    finally:
        c.close()


def phase_idempotent(bootstrap):
    records = some_cf_records("idem", 20)
    p = producer(bootstrap, **{"enable.idempotence": True, "linger.ms": 20})
    acked = send_all(p, "cf-idempotent", records)
    expect(all(m.error() is None for m in acked), "an idempotent record failed")
    check_same(records, as_tuples(assigned_read(bootstrap, "cf-idempotent", len(records))), "idempotent")


PHASES = {n[len("phase_"):]: f for n, f in globals().items() if n.startswith("phase_")}

if __name__ == "__main__":
    run_phases(sys.argv, PHASES, "confluent-kafka %s, librdkafka %s" % (confluent_kafka.version()[0],
                                                                       confluent_kafka.libversion()[0]))
