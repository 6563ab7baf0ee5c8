"""Hostile clients against a running serve: a body trickled in a byte at a time, headers that never end,
a 100 MB body, many such connections at once. Each gets its status and problem body (or, when it never
finished a request, its connection closed) within the client timeout, and all the while a normal client is
answered at once.

usage: clients.py HOST PORT CLIENT_TIMEOUT_SECONDS
"""
import json
import socket
import sys
import threading
import time
import urllib.request

host, port, timeout = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
RECORD = json.dumps({"age": 38, "sex": "Female", "marital_stat": "Never married",
                     "education": "Children", "tax_filer_stat": "Single"}).encode()
HEAD = (b"POST /predict/census_income_xgboost HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"Content-Length: %d\r\n\r\n")


def response(sock, deadline):
    """Reads until the server closes the connection or the deadline: (status or None, body, seconds)."""
    started, data = time.monotonic(), b""
    sock.settimeout(0.1)
    while time.monotonic() - started < deadline:
        try:
            chunk = sock.recv(65536)
        except socket.timeout:
            continue
        except ConnectionResetError:
            break
        if not chunk:
            break
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    status = int(head.split(b" ")[1]) if head.startswith(b"HTTP/1.1 ") else None
    return status, body, time.monotonic() - started


def normal_client():
    """A well-behaved request: answered, and how fast."""
    started = time.monotonic()
    request = urllib.request.Request(f"http://{host}:{port}/predict/census_income_xgboost", data=RECORD,
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=5) as answer:
        assert answer.status == 200 and b'"probability"' in answer.read()
    return time.monotonic() - started


def trickle():
    """Headers at once, then the body one byte at a time, slower than the timeout allows: 408."""
    sock = socket.create_connection((host, port))
    sock.sendall(HEAD % len(RECORD))
    started = time.monotonic()
    for byte in RECORD:
        try:
            sock.sendall(bytes([byte]))
        except OSError:
            break
        time.sleep(0.5)
        if time.monotonic() - started > timeout + 1:
            break
    status, body, _ = response(sock, 3)
    sock.close()
    return status, body, time.monotonic() - started


def endless_headers():
    """A request line and one header, then silence: the connection is closed."""
    sock = socket.create_connection((host, port))
    sock.sendall(b"POST /predict/census_income_xgboost HTTP/1.1\r\nHost: x\r\n")
    status, body, seconds = response(sock, timeout + 10)
    sock.close()
    return status, body, seconds


def short_body():
    """A Content-Length longer than the body sent, then silence: 408 within the timeout, not a dropped line."""
    sock = socket.create_connection((host, port))
    sock.sendall(HEAD % (len(RECORD) + 100) + RECORD)
    status, body, seconds = response(sock, timeout + 10)
    sock.close()
    return status, body, seconds


def bad_chunk():
    """A chunked body with a chunk size that is not hexadecimal: 400, not a 500."""
    sock = socket.create_connection((host, port))
    sock.sendall(b"POST /predict/census_income_xgboost HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                 b"Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n")
    status, body, _ = response(sock, timeout + 10)
    sock.close()
    return status, body


def huge_body():
    """100 MB announced and sent as fast as the server takes it: 413 once past the limit."""
    sock = socket.create_connection((host, port))
    size = 100 * 1024 * 1024
    sock.sendall(HEAD % size)
    chunk, sent, early, answered = b"[" + b" " * 65535, 0, b"", None
    started = time.monotonic()
    try:
        while sent < size:
            sock.settimeout(5)
            sock.sendall(chunk)
            sent += len(chunk)
            sock.setblocking(False)
            try:
                early = sock.recv(65536)  # answered already: stop sending, as an HTTP client would
                answered = time.monotonic() - started
                break
            except BlockingIOError:
                pass
    except OSError:
        pass  # the server stopped reading: it has answered
    status, body, closed = response(sock, timeout + 5)
    if early:
        head, _, rest = early.partition(b"\r\n\r\n")
        status, body = int(head.split(b" ")[1]), rest + body
    sock.close()
    return status, body, sent, answered, closed


def problem(body):
    return json.loads(body.decode())


baseline = min(normal_client() for _ in range(5))

results = {}
threads = [threading.Thread(target=lambda i=i: results.__setitem__(("trickle", i), trickle())) for i in range(20)]
threads += [threading.Thread(target=lambda i=i: results.__setitem__(("headers", i), endless_headers())) for i in range(20)]
for thread in threads:
    thread.start()
time.sleep(1)
# While 40 hostile connections are open, a normal client is answered as before.
during = [normal_client() for _ in range(10)]
for thread in threads:
    thread.join()

for (kind, _), result in results.items():
    if kind == "trickle":
        status, body, seconds = result
        assert status == 408, f"a trickled body got {status} {body[:200]}"
        assert problem(body)["title"] == "Request Timeout"
        assert seconds < timeout + 3, f"a trickled body held for {seconds:.1f} s"
    else:
        status, body, seconds = result
        assert status is None and body == b"", f"endless headers got {status} {body[:200]}"
        assert timeout + 4.5 < seconds < timeout + 8, f"endless headers closed after {seconds:.1f} s"
print(f"clients: 20 trickled bodies answered 408 within {timeout + 3:.0f} s, 20 endless headers closed after "
      f"~{timeout + 5:.0f} s; meanwhile a normal request took {max(during) * 1000:.0f} ms at most "
      f"(alone: {baseline * 1000:.0f} ms)")
assert max(during) < 2, "slow clients held up a normal one"

status, body, seconds = short_body()
assert status == 408 and problem(body)["status"] == 408, f"a short body got {status} {body[:200]}"
assert seconds < timeout + 3, f"a short body was answered after {seconds:.1f} s"
status, body = bad_chunk()
assert status == 400 and problem(body)["status"] == 400, f"a bad chunk size got {status} {body[:200]}"
print(f"clients: a body shorter than its Content-Length answered 408 after {seconds:.1f} s; a bad chunk size 400")

status, body, sent, answered, closed = huge_body()
assert status == 413, f"a 100 MB body got {status} {body[:200]}"
assert problem(body)["status"] == 413
assert answered is not None and sent < 10 * 1048576, "the 413 came only after the body was read"
assert closed < timeout + 8, f"the connection stayed open {closed:.1f} s after the 413"
print(f"clients: a 100 MB body answered 413 after {sent / 1048576:.1f} MiB sent ({answered * 1000:.0f} ms), "
      f"the connection closed {closed:.1f} s later")
normal_client()
print("clients: the service is still up and answering")
