#!/usr/bin/env python3
"""Checks a running lab server end to end: answers, error codes and request counters.

    .venv-lab/bin/python serving/smoke.py mlserver [--metrics]
    .venv-lab/bin/python serving/smoke.py fastapi

Ports and LAB_DIR as for serving/start.sh (MLSERVER_HTTP_PORT, MLSERVER_GRPC_PORT,
MLSERVER_METRICS_PORT, FASTAPI_PORT). Every served model gets the row [5.1, 3.5, 1.4, 0.2] (class 0)
and then all 150 iris rows in one request, whose answers must equal what the same model file
predicts here. MLServer is asked over REST and gRPC (typed fp32_contents and raw_input_contents);
FastAPI over /predict and V2 REST, with /stats checked to count each request once.

--metrics prints which Prometheus counters on MLServer's metrics port one REST request and one
gRPC request each move, and by how much. Exit status 1 on any wrong answer.
"""
import json
import os
import struct
import sys
import urllib.error
import urllib.request

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
LAB_DIR = os.path.abspath(os.environ.get("LAB_DIR") or os.path.join(HERE, ".lab"))
ROW = [5.1, 3.5, 1.4, 0.2]
failures = []


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        failures.append(what)


def http(method, url, body=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method=method,
                                 headers={"content-type": "application/json"} if data is not None else {})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            raw = r.read()
            return r.status, json.loads(raw) if raw else None
    except urllib.error.HTTPError as e:
        raw = e.read()
        try:
            return e.code, json.loads(raw)
        except ValueError:
            return e.code, raw.decode(errors="replace")


def iris():
    from sklearn.datasets import load_iris
    return load_iris().data.astype(np.float32)


def local_predictions(model, X):
    """What the model file in LAB_DIR predicts, to compare the server's answers with."""
    if model == "iris":
        import joblib
        return joblib.load(os.path.join(LAB_DIR, "models", "iris", "model.joblib")).predict(X).tolist()
    import xgboost as xgb
    m = xgb.XGBClassifier()
    m.load_model(os.path.join(LAB_DIR, "models", "iris-xgb", "model.json"))
    return m.predict(X).tolist()


def v2_body(rows, nested=False):
    data = [list(map(float, r)) for r in rows] if nested else [float(v) for r in rows for v in r]
    return {"inputs": [{"name": "input-0", "shape": [len(rows), 4], "datatype": "FP32", "data": data}]}


def check_v2(base, model, X, expected):
    status, body = http("POST", f"{base}/v2/models/{model}/infer", v2_body([ROW]))
    out = body["outputs"][0] if status == 200 else {}
    check(status == 200 and body["model_name"] == model and body["model_version"] == "v1"
          and out.get("name") == "predict" and out.get("datatype") == "INT64" and out.get("shape") == [1, 1]
          and out.get("data") == [0], f"REST {model}: {ROW} -> {out.get('data', body)}")
    status, body = http("POST", f"{base}/v2/models/{model}/infer", {**v2_body(X.tolist(), nested=True), "id": "all-rows"})
    got = body["outputs"][0]["data"] if status == 200 else body
    check(status == 200 and got == expected and body.get("id") == "all-rows",
          f"REST {model}: 150 rows (nested data, shape [150, 4]) as predicted locally")
    status, body = http("POST", f"{base}/v2/models/nope/infer", v2_body([ROW]))
    check(status == 404 and body == {"error": "Model nope not found"}, f"REST unknown model -> {status} {body}")


def grpc_stubs():
    import grpc
    from mlserver.grpc import dataplane_pb2 as pb, dataplane_pb2_grpc as rpc
    return grpc, pb, rpc


def grpc_infer(stub, pb, model, rows, raw):
    tensor = pb.ModelInferRequest.InferInputTensor(name="input-0", datatype="FP32", shape=[len(rows), 4])
    values = [float(v) for r in rows for v in r]
    request = pb.ModelInferRequest(model_name=model, inputs=[tensor])
    if raw:
        request.raw_input_contents.append(struct.pack(f"<{len(values)}f", *values))
    else:
        request.inputs[0].contents.fp32_contents.extend(values)
    response = stub.ModelInfer(request, timeout=10)
    out = response.outputs[0]
    if response.raw_output_contents:
        data = list(struct.unpack(f"<{len(response.raw_output_contents[0]) // 8}q", response.raw_output_contents[0]))
    else:
        data = list(out.contents.int64_contents)
    return out.name, out.datatype, list(out.shape), data


def metric_values(url):
    values = {}
    with urllib.request.urlopen(url, timeout=10) as r:
        for line in r.read().decode().splitlines():
            if line and not line.startswith("#"):
                series, _, value = line.rpartition(" ")
                values[series] = float(value)
    return values


def counter_moves(url, action):
    before = metric_values(url)
    action()
    after = metric_values(url)
    return {s: after[s] - before.get(s, 0.0) for s in after
            if s.split("{")[0].endswith(("_total", "_count")) and after[s] != before.get(s, 0.0)
            and not s.startswith(("python_gc", "process_"))}


def smoke_mlserver(show_metrics):
    host = "127.0.0.1"
    base = f"http://{host}:{os.environ.get('MLSERVER_HTTP_PORT', '28080')}"
    target = f"{host}:{os.environ.get('MLSERVER_GRPC_PORT', '28081')}"
    metrics = f"http://{host}:{os.environ.get('MLSERVER_METRICS_PORT', '28082')}/metrics"
    models = [m for m in ("iris", "iris-xgb") if http("GET", f"{base}/v2/models/{m}/ready")[0] == 200]
    check(bool(models), f"models ready: {models}")
    X = iris()
    grpc, pb, rpc = grpc_stubs()
    channel = grpc.insecure_channel(target)
    stub = rpc.GRPCInferenceServiceStub(channel)
    for model in models:
        expected = local_predictions(model, X)
        check_v2(base, model, X, expected)
        for raw in (False, True):
            how = "raw_input_contents" if raw else "fp32_contents"
            got = grpc_infer(stub, pb, model, [ROW], raw)
            check(got == ("predict", "INT64", [1, 1], [0]), f"gRPC {model} ({how}): {ROW} -> {got}")
            got = grpc_infer(stub, pb, model, X.tolist(), raw)
            check(got[3] == expected, f"gRPC {model} ({how}): 150 rows as predicted locally")
    try:
        stub.ModelInfer(pb.ModelInferRequest(model_name="nope"), timeout=10)
        check(False, "gRPC unknown model answered")
    except grpc.RpcError as e:
        check(e.code() == grpc.StatusCode.NOT_FOUND, f"gRPC unknown model -> {e.code().name}")

    if show_metrics:
        model = models[0]
        for label, action in (
                ("one REST infer", lambda: http("POST", f"{base}/v2/models/{model}/infer", v2_body([ROW]))),
                ("one gRPC ModelInfer", lambda: grpc_infer(stub, pb, model, [ROW], False))):
            print(f"\ncounters moved by {label} ({model}):")
            for series, delta in sorted(counter_moves(metrics, action).items()):
                print(f"  {delta:+g}  {series}")
    channel.close()


def smoke_fastapi():
    base = f"http://127.0.0.1:{os.environ.get('FASTAPI_PORT', '28090')}"
    model = next((m for m in ("iris", "iris-xgb") if http("GET", f"{base}/v2/models/{m}/ready")[0] == 200), None)
    check(model is not None, f"model ready: {model}")
    X = iris()
    expected = local_predictions(model, X)
    before = http("GET", f"{base}/stats")[1]["requests"]
    status, body = http("POST", f"{base}/predict", {"instances": [ROW]})
    check(status == 200 and body == {"predictions": [0]}, f"/predict {ROW} -> {status} {body}")
    status, body = http("POST", f"{base}/predict", {"instances": X.tolist()})
    check(status == 200 and body["predictions"] == expected, "/predict 150 rows as predicted locally")
    check_v2(base, model, X, expected)
    status, body = http("POST", f"{base}/v2/models/{model}/infer", v2_body([ROW[:3]]))
    check(status == 400 and "error" in body, f"V2 with 3 features -> {status} {body}")
    status, body = http("POST", f"{base}/predict", {"rows": []})
    check(status == 400 and "error" in body, f"/predict without instances -> {status} {body}")
    stats = http("GET", f"{base}/stats")[1]
    check(stats["requests"] - before == 7, f"/stats counted 7 requests ({stats})")


def main(args):
    if not args or args[0] not in ("mlserver", "fastapi"):
        sys.exit(__doc__)
    if args[0] == "mlserver":
        smoke_mlserver("--metrics" in args)
    else:
        smoke_fastapi()
    if failures:
        print(f"{len(failures)} check(s) failed")
        sys.exit(1)


if __name__ == "__main__":
    main(sys.argv[1:])
