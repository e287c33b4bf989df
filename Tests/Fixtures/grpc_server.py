#!/usr/bin/env python3
"""A real gRPC server (grpcio) for swiftload's tests, speaking the Open Inference Protocol.

It implements inference.GRPCInferenceService from protos/open_inference.proto (stubs are compiled
at start with grpc_tools). ModelInfer behaves by model name:

  iris         classifies FP32 rows of 4 features (typed or raw contents): petal length < 2.5 is
               class 0, < 4.9 class 1, else 2; output "predict", INT64, shape [rows, 1] (raw output
               when the input was raw, as MLServer does)
  missing      NOT_FOUND with no message sent: a trailers-only response
  unavailable  UNAVAILABLE "overloaded, try later"
  big          a reply carrying N bytes of raw output, N from the request id ("size=N")
  echo         output "size": the number of raw input bytes received

Any model honours id "delay=MS" by answering MS milliseconds later. ServerMetadata's version is
the number of ModelInfer calls served so far.

A second, server-streaming service, test.Stream/Count, takes raw bytes "N,MS" and answers with N
messages (each the bytes of its index, "0", "1", …), the first immediately and each next one MS
milliseconds later. test.Stream/Sum (client streaming) takes integers as text and answers once,
"COUNT,SUM,SPAN_MS" with the time between the first and the last message's arrival;
test.Stream/Echo (bidirectional) answers each message with itself as soon as it arrives. Prints "listening PORT"; exits on SIGTERM or when
its parent is gone.

  grpc_server.py PORT
"""
import asyncio
import os
import shutil
import signal
import struct
import sys
import tempfile

import grpc
from grpc_tools import protoc

HERE = os.path.dirname(os.path.abspath(__file__))
PROTOS = os.path.join(HERE, "..", "..", "protos")


def load_stubs():
    out = tempfile.mkdtemp(prefix="swiftload-grpc-stubs-")
    rc = protoc.main(["protoc", f"-I{PROTOS}", f"--python_out={out}", f"--grpc_python_out={out}",
                      os.path.join(PROTOS, "open_inference.proto")])
    if rc != 0:
        sys.exit("protoc failed")
    sys.path.insert(0, out)
    import open_inference_pb2
    import open_inference_pb2_grpc
    # Loaded: the generated files are not needed any more.
    sys.path.remove(out)
    shutil.rmtree(out, ignore_errors=True)
    return open_inference_pb2, open_inference_pb2_grpc


pb, rpc = load_stubs()
CALLS = {"infer": 0}


def rows_of(request):
    tensor = request.inputs[0]
    width = tensor.shape[-1] if tensor.shape else 4
    if request.raw_input_contents:
        raw = request.raw_input_contents[0]
        values = list(struct.unpack(f"<{len(raw) // 4}f", raw))
    else:
        values = list(tensor.contents.fp32_contents) or list(tensor.contents.fp64_contents)
    return [values[i:i + width] for i in range(0, len(values), width)], bool(request.raw_input_contents)


class Service(rpc.GRPCInferenceServiceServicer):
    async def ServerLive(self, request, context):
        return pb.ServerLiveResponse(live=True)

    async def ServerReady(self, request, context):
        return pb.ServerReadyResponse(ready=True)

    async def ModelReady(self, request, context):
        return pb.ModelReadyResponse(ready=request.name in ("iris", "echo", "big"))

    async def ServerMetadata(self, request, context):
        return pb.ServerMetadataResponse(name="fixture", version=str(CALLS["infer"]))

    async def ModelInfer(self, request, context):
        CALLS["infer"] += 1
        if request.id.startswith("delay="):
            await asyncio.sleep(int(request.id[6:]) / 1000.0)
        model = request.model_name
        reply = pb.ModelInferResponse(model_name=model, model_version="v1", id=request.id)
        if model == "missing":
            await context.abort(grpc.StatusCode.NOT_FOUND, f"Model {model} not found")
        if model == "unavailable":
            await context.abort(grpc.StatusCode.UNAVAILABLE, "overloaded, try later")
        if model == "iris":
            rows, raw = rows_of(request)
            classes = [0 if r[2] < 2.5 else (1 if r[2] < 4.9 else 2) for r in rows]
            out = reply.outputs.add(name="predict", datatype="INT64", shape=[len(classes), 1])
            if raw:
                reply.raw_output_contents.append(struct.pack(f"<{len(classes)}q", *classes))
            else:
                out.contents.int64_contents.extend(classes)
        elif model == "big":
            size = int(request.id.split("=", 1)[1]) if request.id.startswith("size=") else 1 << 20
            reply.outputs.add(name="blob", datatype="BYTES", shape=[size])
            reply.raw_output_contents.append(b"b" * size)
        elif model == "echo":
            size = sum(len(r) for r in request.raw_input_contents)
            out = reply.outputs.add(name="size", datatype="INT64", shape=[1])
            out.contents.int64_contents.append(size)
        else:
            await context.abort(grpc.StatusCode.NOT_FOUND, f"Model {model} not found")
        return reply


async def count(request, context):
    n, ms = (int(x) for x in request.decode().split(","))
    for i in range(n):
        if i:
            await asyncio.sleep(ms / 1000.0)
        yield str(i).encode()


async def total(request_iterator, context):
    count = value = 0
    first = last = None
    async for m in request_iterator:
        now = asyncio.get_running_loop().time()
        first = now if first is None else first
        last = now
        count += 1
        value += int(m.decode())
    span = 0 if first is None else (last - first) * 1000
    return f"{count},{value},{span:.1f}".encode()


async def echo(request_iterator, context):
    async for m in request_iterator:
        yield m


async def watch_parent(stop, parent):
    while not stop.done():
        if os.getppid() != parent:
            stop.set_result(None)
        await asyncio.sleep(0.5)


async def main(port):
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    server = grpc.aio.server(options=[("grpc.max_receive_message_length", 64 << 20),
                                      ("grpc.max_send_message_length", 64 << 20)])
    rpc.add_GRPCInferenceServiceServicer_to_server(Service(), server)
    server.add_generic_rpc_handlers([grpc.method_handlers_generic_handler(
        "test.Stream", {"Count": grpc.unary_stream_rpc_method_handler(count),
                        "Sum": grpc.stream_unary_rpc_method_handler(total),
                        "Echo": grpc.stream_stream_rpc_method_handler(echo)})])
    if server.add_insecure_port(f"127.0.0.1:{port}") == 0:
        sys.exit(f"cannot listen on {port}")
    await server.start()
    loop = asyncio.get_running_loop()
    stop = loop.create_future()
    loop.add_signal_handler(signal.SIGTERM, lambda: stop.done() or stop.set_result(None))
    watcher = asyncio.ensure_future(watch_parent(stop, os.getppid()))
    print(f"listening {port}", flush=True)
    await stop
    watcher.cancel()
    await server.stop(0.5)


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1])))
