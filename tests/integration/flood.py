#!/usr/bin/env python3
# Socket-level helpers for flood.sh (loopback only, bounded counts).
#   flood.py conns PORT N       open N idle TCP connections at once; print
#                               how many the server kept open after 1 s
#   flood.py slowloris PORT S   send half a request line, wait S seconds,
#                               print "closed" if the server hung up
#   flood.py pending PORT       hold one request mid-body (print "holding"),
#                               finish it when stdin gets a line
import socket
import sys
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


if __name__ == "__main__":
    mode, port = sys.argv[1], int(sys.argv[2])
    if mode == "conns":
        conns(port, int(sys.argv[3]))
    elif mode == "slowloris":
        slowloris(port, float(sys.argv[3]))
    elif mode == "pending":
        pending(port)
