#!/usr/bin/python3
"""kafka-python (Debian's python3-kafka 2.0.2) against orderstream's Kafka listener.

Usage: /usr/bin/python3 kafka_python_scenarios.py BOOTSTRAP PHASE...
  BOOTSTRAP  host:port of `orderstream serve --kafka-listener`
  PHASE      metadata | roundtrip | codecs | timestamps | group | commit | resume | ownership
Runs the phases in order and exits 1 with "FAIL <phase>: <why>" on the first failure; prints
"ok <phase>" after each that passed. The server must have been started with 4 partitions.
`commit` then `resume` (possibly against a restarted server) show committed offsets are kept.
"""
import sys
import threading
import time

from scenarios import PARTITIONS, WAIT_S, Failure, check_same, expect, run_phases, some_records

try:
    import kafka
    from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition
    from kafka.admin import NewTopic
    from kafka.codec import has_lz4, has_snappy, has_zstd
    from kafka.errors import GroupAuthorizationFailedError, TopicAuthorizationFailedError
    from kafka.structs import OffsetAndMetadata
except ImportError as e:
    sys.exit("FAIL setup: kafka-python is missing for %s (%s): scripts/deps.sh installs python3-kafka"
             % (sys.executable, e))


def producer(bootstrap, **kw):
    kw.setdefault("linger_ms", 5)
    return KafkaProducer(bootstrap_servers=bootstrap, **kw)


def consumer(bootstrap, **kw):
    kw.setdefault("enable_auto_commit", False)
    kw.setdefault("auto_offset_reset", "earliest")
    return KafkaConsumer(bootstrap_servers=bootstrap, **kw)


def send_all(bootstrap, topic, records, **kw):
    """records: (partition, key, value, headers, timestamp_ms or None), sent by a new producer
    with settings kw. Returns their RecordMetadata."""
    p = producer(bootstrap, **kw)
    try:
        futures = [p.send(topic, key=k, value=v, headers=h, partition=part, timestamp_ms=ts)
                   for part, k, v, h, ts in records]
        p.flush(WAIT_S)
        return [f.get(timeout=WAIT_S) for f in futures]
    finally:
        p.close()


def read_n(c, n, deadline_s=WAIT_S):
    """Polls until n records came (or the deadline); returns them in arrival order."""
    out = []
    deadline = time.monotonic() + deadline_s
    while len(out) < n and time.monotonic() < deadline:
        for recs in c.poll(timeout_ms=200).values():
            out.extend(recs)
    expect(len(out) >= n, "read %d of %d records" % (len(out), n))
    return out


def assigned_read(bootstrap, topic, n, **kw):
    c = consumer(bootstrap, **kw)
    try:
        c.assign([TopicPartition(topic, p) for p in range(PARTITIONS)])
        c.seek_to_beginning()
        return read_n(c, n)
    finally:
        c.close()


def as_tuples(got):
    return [(r.partition, r.offset, r.key, r.value, list(r.headers)) for r in got]


def some_kp_records(tag, n):
    return some_records(tag, n, b"kafka-python")


def phase_metadata(bootstrap):
    admin = KafkaAdminClient(bootstrap_servers=bootstrap)
    try:
        admin.create_topics([NewTopic("kp-created", num_partitions=2, replication_factor=1)])
        c = consumer(bootstrap)
        try:
            topics = c.topics()
            expect("orders" in topics and "kp-created" in topics, "topics(): %r" % sorted(topics))
            expect(c.partitions_for_topic("orders") == set(range(PARTITIONS)),
                   "orders partitions: %r" % c.partitions_for_topic("orders"))
            expect(c.partitions_for_topic("kp-created") == {0, 1},
                   "kp-created partitions: %r" % c.partitions_for_topic("kp-created"))
        finally:
            c.close()
    finally:
        admin.close()


def phase_roundtrip(bootstrap):
    records = some_kp_records("rt", 12)
    metas = send_all(bootstrap, "kp-roundtrip", records)
    for i, m in enumerate(metas):
        expect(m.partition == i % PARTITIONS and m.offset == i // PARTITIONS,
               "record %d acked at %d/%d" % (i, m.partition, m.offset))
    check_same(records, as_tuples(assigned_read(bootstrap, "kp-roundtrip", len(records))), "roundtrip")


def phase_codecs(bootstrap):
    codecs = ["gzip"] + [n for n, ok in (("snappy", has_snappy()), ("lz4", has_lz4()), ("zstd", has_zstd()))
                         if ok]
    expect(codecs == ["gzip", "snappy", "lz4", "zstd"],
           "codecs available: %r (scripts/deps.sh installs python3-snappy python3-lz4 python3-zstandard)"
           % codecs)
    for codec in codecs:
        topic = "kp-codec-" + codec
        records = some_kp_records(codec, 40)
        send_all(bootstrap, topic, records, compression_type=codec, batch_size=1 << 20, linger_ms=50)
        check_same(records, as_tuples(assigned_read(bootstrap, topic, len(records))), codec)
    print("codecs: " + " ".join(codecs))


def phase_timestamps(bootstrap):
    t0 = 1700000000000
    records = [(0, b"t%d" % i, b"at+%ds" % i, [], t0 + 1000 * i) for i in range(3)]
    send_all(bootstrap, "kp-times", records)
    c = consumer(bootstrap)
    try:
        tp = TopicPartition("kp-times", 0)
        c.assign([tp])
        found = c.offsets_for_times({tp: t0 + 1000})[tp]
        expect(found is not None and found.offset == 1 and found.timestamp == t0 + 1000,
               "offsets_for_times(t0+1s): %r" % (found,))
        expect(c.offsets_for_times({tp: t0 + 1500})[tp].offset == 2, "offsets_for_times(t0+1.5s) is not 2")
        expect(c.offsets_for_times({tp: t0 + 5000})[tp] is None, "a time after every record found one")
        c.seek(tp, found.offset)
        got = read_n(c, 2)
        expect([(r.offset, r.value, r.timestamp) for r in got] == [(1, b"at+1s", t0 + 1000), (2, b"at+2s", t0 + 2000)],
               "read after seek: %r" % [(r.offset, r.value, r.timestamp) for r in got])
    finally:
        c.close()


class Member(threading.Thread):
    """One group member polling in its own thread (kafka-python joins inside poll())."""

    def __init__(self, bootstrap, group, topic):
        super().__init__(daemon=True)
        self.c = consumer(bootstrap, group_id=group, session_timeout_ms=6000, heartbeat_interval_ms=200,
                          max_poll_interval_ms=10000)
        self.c.subscribe([topic])
        self.stop = threading.Event()
        self.assignment = set()
        self.error = None

    def run(self):
        try:
            while not self.stop.is_set():
                self.c.poll(timeout_ms=100)
                self.assignment = {tp.partition for tp in self.c.assignment()}
        except Exception as e:  # reported by the main thread
            self.error = e
        finally:
            self.c.close()


def wait_for(cond, what, members):
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        for m in members:
            expect(m.error is None, "member failed: %r" % m.error)
        if cond():
            return
        time.sleep(0.05)
    raise Failure("%s; assignments: %r" % (what, [sorted(m.assignment) for m in members]))


def phase_group(bootstrap):
    a = Member(bootstrap, "kp-split", "kp-split")
    a.start()
    b = None
    try:
        wait_for(lambda: a.assignment == set(range(PARTITIONS)), "the first member never got all 4 partitions", [a])
        b = Member(bootstrap, "kp-split", "kp-split")
        b.start()
        wait_for(lambda: len(a.assignment) == 2 and len(b.assignment) == 2 and
                 a.assignment | b.assignment == set(range(PARTITIONS)), "two members did not split 2 and 2", [a, b])
        b.stop.set()
        b.join(WAIT_S)
        expect(not b.is_alive(), "the second member did not close")
        wait_for(lambda: a.assignment == set(range(PARTITIONS)), "the survivor did not get all 4 back", [a])
    finally:
        for m in (a, b):
            if m is not None:
                m.stop.set()
                m.join(WAIT_S)


def phase_commit(bootstrap):
    records = some_kp_records("before", 8)
    send_all(bootstrap, "kp-progress", records)
    c = consumer(bootstrap, group_id="kp-resume")
    try:
        c.subscribe(["kp-progress"])
        got = read_n(c, len(records))
        expect(sorted(r.value for r in got) == sorted(v for _, _, v, _, _ in records), "read: %r" % got)
        c.commit()
        for part in range(PARTITIONS):
            committed = c.committed(TopicPartition("kp-progress", part))
            expect(committed == 2, "partition %d committed %r, want 2" % (part, committed))
    finally:
        c.close()


def phase_resume(bootstrap):
    late = [(i, b"late-k%d" % i, b"late-v%d" % i, [], None) for i in range(PARTITIONS)]
    send_all(bootstrap, "kp-progress", late)
    c = consumer(bootstrap, group_id="kp-resume")
    try:
        c.subscribe(["kp-progress"])
        got = read_n(c, len(late))
        # Every partition got one late record after two old ones: anything else means the group
        # did not resume at its commit.
        expect(sorted((r.partition, r.offset, r.value) for r in got) ==
               [(i, 2, b"late-v%d" % i) for i in range(PARTITIONS)],
               "resumed reads: %r" % [(r.partition, r.offset, r.value) for r in got])
    finally:
        c.close()


def phase_ownership(bootstrap):
    p = producer(bootstrap, retries=0)
    try:
        try:
            p.send("orders", key=b"o-x", value=b"{}").get(timeout=WAIT_S)
            raise Failure("producing to orders was accepted")
        except TopicAuthorizationFailedError:
            pass
    finally:
        p.close()
    c = consumer(bootstrap, group_id="inventory")
    try:
        tp = TopicPartition("orders", 0)
        c.assign([tp])
        try:
            c.commit({tp: OffsetAndMetadata(0, "")})
            raise Failure("committing for the inventory task's group was accepted")
        except GroupAuthorizationFailedError:
            pass
    finally:
        c.close()
    c = consumer(bootstrap, group_id="inventory")
    try:
        c.subscribe(["orders"])
        try:
            c.poll(timeout_ms=5000)
            raise Failure("joining the inventory task's group was accepted")
        except GroupAuthorizationFailedError:
            pass
    finally:
        c.close()


PHASES = {n[len("phase_"):]: f for n, f in globals().items() if n.startswith("phase_")}

if __name__ == "__main__":
    run_phases(sys.argv, PHASES, "kafka-python %s" % kafka.__version__)
