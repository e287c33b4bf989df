"""A TCP relay that counts the bytes it carries each way, to check a client's data counts
against what really crossed the wire.

    byte_counter.py PORT UPSTREAM_PORT

Relays every connection on 127.0.0.1:PORT to 127.0.0.1:UPSTREAM_PORT. After each connection
closes it prints one line with the totals so far:

    totals up=<client to server> down=<server to client> open=<connections open> closed=<closed>

Standard library only.
"""
import asyncio
import os
import signal
import sys

totals = {"up": 0, "down": 0, "open": 0, "closed": 0}


async def pump(reader, writer, key):
    try:
        while True:
            data = await reader.read(65536)
            if not data:
                break
            totals[key] += len(data)
            writer.write(data)
            await writer.drain()
    except (ConnectionError, OSError):
        pass
    finally:
        try:
            writer.write_eof()
        except (OSError, RuntimeError):
            pass


async def relay(client_reader, client_writer, upstream_port):
    totals["open"] += 1
    try:
        server_reader, server_writer = await asyncio.open_connection("127.0.0.1", upstream_port)
    except OSError:
        client_writer.close()
        totals["open"] -= 1
        totals["closed"] += 1
        report()
        return
    await asyncio.gather(pump(client_reader, server_writer, "up"), pump(server_reader, client_writer, "down"))
    for w in (client_writer, server_writer):
        w.close()
    totals["open"] -= 1
    totals["closed"] += 1
    report()


def report():
    print("totals up={up} down={down} open={open} closed={closed}".format(**totals), flush=True)


async def watch_parent(stop, parent):
    while not stop.done():
        if os.getppid() != parent:
            stop.set_result(None)
        await asyncio.sleep(0.5)


async def main():
    port, upstream_port = int(sys.argv[1]), int(sys.argv[2])
    # A parent that blocked SIGTERM (thread pools often do) passes the mask on: undo it.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    loop = asyncio.get_running_loop()
    stop = loop.create_future()
    loop.add_signal_handler(signal.SIGTERM, lambda: stop.done() or stop.set_result(None))
    server = await asyncio.start_server(lambda r, w: relay(r, w, upstream_port), "127.0.0.1", port)
    watcher = asyncio.ensure_future(watch_parent(stop, os.getppid()))
    print("listening", port, flush=True)
    await stop
    watcher.cancel()
    server.close()


asyncio.run(main())
