#!/usr/bin/env python3
# Socket-level helpers for flood.sh (loopback only, bounded counts).
#   flood.py conns PORT N       open N idle TCP connections at once; print
#                               how many the server kept open after 1 s
#   flood.py slowloris PORT S   send half a request line, wait S seconds,
#                               print "closed" if the server hung up
#   flood.py pending PORT       hold one request mid-body (print "holding"),
#                               finish it when stdin gets a line
#   flood.py deadlines PORT H [UNIX]
#                               at once, each in a thread (H = header_timeout):
#                               headers trickled a byte every 0.5 s (TCP, and
#                               the Unix socket UNIX if given), a body trickled
#                               a byte every 0.5 s, and a keep-alive connection
#                               used again after 0.5 s, then left idle H + 1 s;
#                               one line per case (see deadlines())
#   flood.py slowbodies PORT SPEC INTERVAL
#                               open the connections SPEC names at once, each
#                               a POST announcing a 100000-byte body, then
#                               trickle a body byte to each every INTERVAL s;
#                               SPEC = comma-separated A:N (N connections from
#                               127.0.0.A over TCP) or unix:PATH:N, opened
#                               group after group. Prints "holding" with the
#                               tallies (see tally()) once the server had 1 s
#                               to answer, then "final" with them when stdin
#                               gets a line or after 60 s
#   flood.py uploads PORT WHERE N CHUNKS [SEND]
#                               announce N uploads of CHUNKS chunks each (with
#                               the proof of work, docs/protocol.md section 13)
#                               from WHERE (127.0.0.A over TCP, or unix:PATH)
#                               and send the first SEND (default all) chunks
#                               of those accepted; print the tally of the
#                               announcements' answers (201, or status:code)
#                               and "stored=" the uploads completed
#   flood.py uploadpow CHALLENGE_B64 HASH_B64 CHUNKS
#                               print the counter an upload of CHUNKS chunks
#                               needs on that challenge (CHUNKS 0: an envelope
#                               whose BLAKE2b-256 is HASH, the challenge's
#                               own difficulty)
import base64
import hashlib
import http.client
import json
import os
import select
import socket
import sys
import threading
import time


def alive(s):
    s.setblocking(False)
    try:
        data = s.recv(1)
        return data != b""  # b"" = orderly close by the server
    except BlockingIOError:
        return True
    except OSError:
        return False


def conns(port, n):
    socks = []
    for _ in range(n):
        s = socket.socket()
        s.settimeout(5)
        try:
            s.connect(("127.0.0.1", port))
            socks.append(s)
        except OSError:
            pass
    time.sleep(1.0)
    print(sum(1 for s in socks if alive(s)))
    sys.stdout.flush()
    if len(sys.argv) > 4 and sys.argv[4] == "hold":
        sys.stdin.readline()
    for s in socks:
        s.close()


def slowloris(port, secs):
    s = socket.socket()
    s.connect(("127.0.0.1", port))
    s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")  # never finished
    deadline = time.time() + secs
    s.settimeout(0.5)
    while time.time() < deadline:
        try:
            if s.recv(1) == b"":
                print("closed")
                return
        except socket.timeout:
            continue
        except OSError:
            print("closed")
            return
    print("open")


def pending(port):
    s = socket.socket()
    s.connect(("127.0.0.1", port))
    body = b'{"x": 1}'
    s.sendall(b"POST /v1/challenge HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
              b"Content-Length: %d\r\n\r\n" % len(body) + body[:3])
    print("holding")
    sys.stdout.flush()
    sys.stdin.readline()
    s.sendall(body[3:])
    s.settimeout(5)
    print(s.recv(200).split(b"\r\n")[0].decode())


def connect(addr):
    s = socket.socket(socket.AF_UNIX if isinstance(addr, str) else socket.AF_INET)
    s.connect(addr)
    return s


def trickle(s, data, limit):
    """Sends data a byte every 0.5 s until the server ends the connection
    (EOF or reset) or limit seconds pass. Returns (outcome, seconds from
    the start, bytes trickled): outcome "closed", "answered" (it sent
    something instead of just closing) or "open"."""
    t0 = time.monotonic()
    for i, b in enumerate(data):
        try:
            s.sendall(bytes([b]))
        except OSError:
            return "closed", time.monotonic() - t0, i
        r, _, _ = select.select([s], [], [], 0.5)
        if r:
            try:
                got = s.recv(100)
            except OSError:
                got = b""
            return ("answered" if got else "closed"), time.monotonic() - t0, i + 1
        if time.monotonic() - t0 > limit:
            break
    return "open", time.monotonic() - t0, len(data)


def trickle_headers(addr):
    s = connect(addr)
    s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
    r = trickle(s, b"X-Slow: " + b"a" * 100, 8)
    s.close()
    return r


def trickle_body(addr):
    s = connect(addr)
    s.sendall(b"POST /v1/challenge HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
              b"Content-Length: 100000\r\n\r\n")
    r = trickle(s, b"{" + b" " * 100, 8)
    s.close()
    return r


def get(s):
    """One GET /healthz on s; the status code, or "closed"."""
    try:
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        s.settimeout(5)
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = s.recv(4096)
            if not chunk:
                return "closed"
            head += chunk
    except OSError:
        return "closed"
    top, _, rest = head.partition(b"\r\n\r\n")
    for line in top.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            n = int(line.split(b":")[1]) - len(rest)
            while n > 0:
                chunk = s.recv(n)
                if not chunk:
                    return "closed"
                n -= len(chunk)
    return top.split(b" ")[1].decode()


def keepalive(addr, h):
    """(first, second after 0.5 s, seconds idle until the server closed,
    a request sent h + 1 s after the second, one on a new connection)."""
    s = connect(addr)
    first = get(s)
    time.sleep(0.5)
    second = get(s)
    t0 = time.monotonic()
    s.settimeout(None)
    r, _, _ = select.select([s], [], [], h + 3)
    idle = time.monotonic() - t0 if r else -1
    time.sleep(max(0, t0 + h + 1 - time.monotonic()))
    late = get(s)
    s.close()
    s = connect(addr)
    fresh = get(s)
    s.close()
    return first, second, idle, late, fresh


def deadlines(port, h, unix_path):
    tcp = ("127.0.0.1", port)
    cases = {"headers_tcp": (trickle_headers, tcp), "body": (trickle_body, tcp),
             "keepalive": (lambda a: keepalive(a, h), tcp)}
    if unix_path:
        cases["headers_unix"] = (trickle_headers, unix_path)
    out = {}

    def run(name, fn, addr):
        out[name] = fn(addr)

    threads = [threading.Thread(target=run, args=(n, f, a)) for n, (f, a) in cases.items()]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for name in cases:
        print(name, " ".join(("%.1f" % v) if isinstance(v, float) else str(v)
                             for v in out[name]))


def slow_connect(port, where):
    """A POST whose headers are complete and whose body has only begun."""
    if where.startswith("unix:"):
        s = connect(where[5:])
    else:
        s = socket.socket()
        s.bind((where, 0))
        s.connect(("127.0.0.1", port))
    s.sendall(b"POST /v1/challenge HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
              b"Content-Length: 100000\r\n\r\n{")
    s.setblocking(False)
    return s


def tally(conns):
    """Polls every connection once: what the server did with it so far.
    Returns {"open": n, "closed": n, "429": n, "503": n, ...} over all
    connections, and the same per group as "gN.open" etc. (N = the
    group's place in SPEC, from 0)."""
    out = {}
    for c in conns:
        if c["state"] == "open":
            try:
                got = c["sock"].recv(200)
                if got:
                    c["state"] = got.split(b" ")[1].decode() if got.startswith(b"HTTP/") else "junk"
                else:
                    c["state"] = "closed"
            except BlockingIOError:
                pass
            except OSError:
                c["state"] = "closed"
        for k in (c["state"], "g%d.%s" % (c["group"], c["state"])):
            out[k] = out.get(k, 0) + 1
    return out


def show(label, t, t0):
    print(label, "%.1f" % (time.monotonic() - t0),
          " ".join("%s=%d" % kv for kv in sorted(t.items())))
    sys.stdout.flush()


def slowbodies(port, spec, interval):
    """The groups of SPEC are opened one after another, 0.3 s apart, so
    that the server has seen one group before the next arrives."""
    conns = []
    for g, part in enumerate(spec.split(",")):
        where, _, n = part.rpartition(":")
        where = where if where.startswith("unix:") else "127.0.0.%d" % int(where)
        if g > 0:
            time.sleep(0.3)
        for _ in range(int(n)):
            try:
                conns.append({"sock": slow_connect(port, where), "state": "open", "group": g})
            except OSError:
                conns.append({"sock": None, "state": "refused", "group": g})
    t0 = time.monotonic()
    time.sleep(1.0)
    show("holding", tally(conns), t0)
    deadline = t0 + 60
    while time.monotonic() < deadline:
        r, _, _ = select.select([sys.stdin], [], [], interval)
        if r:
            break
        for c in conns:
            if c["state"] == "open":
                try:
                    c["sock"].send(b" ")
                except OSError:
                    c["state"] = "closed"
        tally(conns)
    show("final", tally(conns), t0)
    for c in conns:
        if c["sock"] is not None:
            c["sock"].close()


def upload_bits(difficulty, chunks):
    """abri_pow_upload_bits: difficulty + 12 + ceil(log2 chunks)."""
    log = 0
    while (1 << log) < chunks:
        log += 1
    return difficulty + 12 + log


def work_bits(h):
    n = int.from_bytes(h, "big")
    return 256 - n.bit_length()


def upload_pow(challenge, hash_, chunks):
    bits = upload_bits(challenge[8], chunks) if chunks > 0 else challenge[8]
    counter = 0
    while work_bits(hashlib.blake2b(challenge + hash_ + counter.to_bytes(8, "little"),
                                    digest_size=32).digest()) < bits:
        counter += 1
    return counter


class UnixHTTPConnection(http.client.HTTPConnection):
    def __init__(self, path):
        super().__init__("abrid", timeout=30)
        self.path = path

    def connect(self):
        self.sock = connect(self.path)


def http_conn(port, where):
    if where.startswith("unix:"):
        return UnixHTTPConnection(where[5:])
    return http.client.HTTPConnection("127.0.0.1", port, timeout=30,
                                      source_address=("127.0.0.%d" % int(where), 0))


def call(conn, method, path, body, ctype="application/json"):
    conn.request(method, path, body=body, headers={"Content-Type": ctype})
    r = conn.getresponse()
    return r.status, r.read()


def uploads(port, where, n, chunks, send):
    conn = http_conn(port, where)
    out = {"stored": 0}
    for _ in range(n):
        header = os.urandom(24)
        parts = [os.urandom(65553) for _ in range(chunks)]
        h = hashlib.blake2b(header + b"".join(parts), digest_size=32).digest()
        st, body = call(conn, "POST", "/v1/challenge", b"{}")
        ch = base64.b64decode(json.loads(body)["challenge"])
        req = {"chunks": chunks, "header": base64.b64encode(header).decode(),
               "hash": base64.b64encode(h).decode(),
               "pow": {"challenge": base64.b64encode(ch).decode(),
                       "counter": upload_pow(ch, h, chunks)}}
        st, body = call(conn, "POST", "/v1/uploads", json.dumps(req).encode())
        key = str(st) if st != 201 else "201"
        if st != 201:
            key += ":" + json.loads(body)["error"]["code"]
        out[key] = out.get(key, 0) + 1
        if st != 201:
            continue
        uid = json.loads(body)["upload"].replace("+", "-").replace("/", "_").rstrip("=")
        for i, part in enumerate(parts[:send]):
            st, body = call(conn, "PUT", "/v1/uploads/%s/%d" % (uid, i), part,
                            "application/octet-stream")
        out["stored"] += send > 0 and json.loads(body).get("complete") is True
    print(" ".join("%s=%d" % kv for kv in sorted(out.items())))


if __name__ == "__main__":
    mode = sys.argv[1]
    if mode == "uploadpow":
        print(upload_pow(base64.b64decode(sys.argv[2]), base64.b64decode(sys.argv[3]),
                         int(sys.argv[4])))
        sys.exit(0)
    port = int(sys.argv[2])
    if mode == "uploads":
        n, chunks = int(sys.argv[4]), int(sys.argv[5])
        uploads(port, sys.argv[3], n, chunks, int(sys.argv[6]) if len(sys.argv) > 6 else chunks)
    elif mode == "conns":
        conns(port, int(sys.argv[3]))
    elif mode == "slowloris":
        slowloris(port, float(sys.argv[3]))
    elif mode == "pending":
        pending(port)
    elif mode == "deadlines":
        deadlines(port, float(sys.argv[3]), sys.argv[4] if len(sys.argv) > 4 else None)
    elif mode == "slowbodies":
        slowbodies(port, sys.argv[3], float(sys.argv[4]))
