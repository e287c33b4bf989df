"""A server of known capacity for the sweep's test: one request at a time, one every 5 ms at
most. A request is answered 4 ms after its connection was accepted, or 5 ms after the previous
answer if that is later (then the connection closes), so the server's own overhead does not eat
into the capacity: exactly 200 requests a second.

    python3 serial_server.py PORT [PERIOD_MS]
"""
import socket
import sys
import time

port = int(sys.argv[1])
period = (float(sys.argv[2]) if len(sys.argv) > 2 else 5.0) / 1000
server = socket.socket()
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server.bind(("127.0.0.1", port))
server.listen(4096)
print("listening", flush=True)
body = b"ok"
response = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\n" + body
last_answer = 0.0
while True:
    conn, _ = server.accept()
    start = time.perf_counter()
    try:
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = conn.recv(4096)
            if not chunk:
                break
            data += chunk
        answer_at = max(start + 0.8 * period, last_answer + period)
        left = answer_at - time.perf_counter()
        if left > 0:
            time.sleep(left)
        last_answer = time.perf_counter()
        conn.sendall(response)
    except OSError:
        pass
    finally:
        conn.close()
