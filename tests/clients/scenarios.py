"""What the Python client scenario scripts share: the failure type, the expected records of a
produce, and the phase runner. Imported by kafka_python_scenarios.py and
confluent_kafka_scenarios.py from their own folder; single-threaded use only."""
import sys
import time

PARTITIONS = 4  # the server under test runs with --partitions 4
WAIT_S = 20.0  # the deadline of every wait


class Failure(Exception):
    """A wrong answer from the server (a client error is a failure too, with its own type)."""


def expect(cond, why):
    if not cond:
        raise Failure(why)


def some_records(tag, n, src):
    """n records (partition, key, value, headers, timestamp_ms or None), round robin over the
    partitions, values of growing size, two headers each."""
    return [(i % PARTITIONS, ("%s-k%d" % (tag, i)).encode(), ("%s-v%d" % (tag, i)).encode() * (1 + i),
             [("src", src), ("i", str(i).encode())], None) for i in range(n)]


def wanted(records):
    """What a topic that was empty holds after `records`: (partition, offset, key, value, headers)
    sorted by partition and offset."""
    next_offset = {}
    out = []
    for part, k, v, h, _ in records:
        out.append((part, next_offset.get(part, 0), k, v, h or []))
        next_offset[part] = next_offset.get(part, 0) + 1
    return sorted(out, key=lambda x: (x[0], x[1]))


def check_same(records, have, what):
    """have: the (partition, offset, key, value, headers) read back, in any order."""
    have = sorted(have, key=lambda x: (x[0], x[1]))
    expect(len(have) == len(records), "%s: %d records back, %d sent" % (what, len(have), len(records)))
    for w, h in zip(wanted(records), have):
        expect(h == w, "%s: got %r, want %r" % (what, h, w))


def run_phases(argv, phases, banner):
    """argv: [script, BOOTSTRAP, PHASE...]; phases: name -> f(bootstrap). Exits 1 with
    "FAIL <phase>: ..." on the first phase that raises; prints "ok <phase> (<s> s)" otherwise."""
    if len(argv) < 3 or any(p not in phases for p in argv[2:]):
        sys.exit("usage: %s BOOTSTRAP PHASE... (phases: %s)" % (argv[0], " ".join(phases)))
    print(banner)
    for phase in argv[2:]:
        started = time.monotonic()
        try:
            phases[phase](argv[1])
        except Exception as e:  # a client error is as much a failure as a wrong answer
            sys.exit("FAIL %s: %s: %s" % (phase, type(e).__name__, e))
        print("ok %s (%.1f s)" % (phase, time.monotonic() - started), flush=True)
