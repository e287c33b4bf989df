"""The iris model behind a small FastAPI app: the same model files MLServer serves, with the least
server around them, to compare a plain Python web service with MLServer under the same load.

    .venv-lab/bin/uvicorn --app-dir serving fastapi_app:app --port 28090   # or serving/start.sh fastapi

Environment:
  IRIS_MODEL_KIND  sklearn (default: LAB_DIR/models/iris/model.joblib, name "iris") or xgboost
                   (LAB_DIR/models/iris-xgb/model.json, name "iris-xgb")
  IRIS_MODEL       another model file of that kind
  IRIS_MODEL_NAME  the name the V2 routes answer to (default as MLServer: iris / iris-xgb)
  LAB_DIR          default serving/.lab
  STATS_DIR        where workers keep their request counts (default LAB_DIR/run/fastapi-stats)

Routes:
  POST /predict                    {"instances": [[5.1, 3.5, 1.4, 0.2], ...]} -> {"predictions": [0, ...]}
  POST /v2/models/{name}/infer     Open Inference Protocol (KServe V2) REST, as MLServer answers it
  POST /v2/models/{name}/versions/{version}/infer
  GET  /v2/models/{name}/ready     200 once the model is loaded, 404 for another name
  GET  /v2/health/ready, /v2/health/live
  GET  /stats                      {"requests": N, "workers": W}: predict and infer requests
                                   received (any outcome) summed over every uvicorn worker

V2 request: {"id"?: "...", "inputs": [{"name": "input-0", "shape": [n, 4], "datatype": "FP32",
"data": [flat or nested numbers]}], "outputs"?: [{"name": "predict" | "predict_proba"}]}.
Answer, in MLServer 1.7.1's shape and key order: {"model_name": "iris", "model_version": "v1",
"id": client's or a new UUID, "parameters": {}, "outputs": [{"name": "predict", "shape": [n, 1],
"datatype": "INT64", "parameters": {"content_type": "np"}, "data": [...]}]}. Errors are
{"error": "..."}: 404 for an unknown model (as MLServer), 400 for input the model cannot take
(MLServer answers 500 to a wrong feature count).

Handlers are `async def` and call the model inline: predicting one iris row takes well under a
millisecond, less than handing it to a thread pool would cost.

The request count must be right with several uvicorn workers, which are separate processes. Each
worker keeps its count in an 8-byte file of its own in STATS_DIR, mapped into memory (MAP_SHARED):
counting is a memory store, no system call; /stats reads and sums every worker's file, which the
page cache makes current. serving/start.sh empties STATS_DIR before a start.
"""
import mmap
import os
import struct
import uuid
from contextlib import asynccontextmanager

import numpy as np
import orjson
from fastapi import FastAPI, Request
from fastapi.responses import Response

HERE = os.path.dirname(os.path.abspath(__file__))
LAB_DIR = os.path.abspath(os.environ.get("LAB_DIR") or os.path.join(HERE, ".lab"))
KIND = os.environ.get("IRIS_MODEL_KIND", "sklearn")
if KIND not in ("sklearn", "xgboost"):
    raise SystemExit(f"IRIS_MODEL_KIND must be sklearn or xgboost, not {KIND!r}")
MODEL_PATH = os.environ.get("IRIS_MODEL") or os.path.join(
    LAB_DIR, "models", *(("iris", "model.joblib") if KIND == "sklearn" else ("iris-xgb", "model.json")))
MODEL_NAME = os.environ.get("IRIS_MODEL_NAME") or ("iris" if KIND == "sklearn" else "iris-xgb")
MODEL_VERSION = "v1"
STATS_DIR = os.environ.get("STATS_DIR") or os.path.join(LAB_DIR, "run", "fastapi-stats")
FEATURES = 4

# V2 tensor datatypes the input may use, decoded as MLServer's NumPy codec does.
DTYPES = {"FP32": np.float32, "FP64": np.float64, "FP16": np.float16, "INT8": np.int8, "INT16": np.int16,
          "INT32": np.int32, "INT64": np.int64, "UINT8": np.uint8, "UINT16": np.uint16,
          "UINT32": np.uint32, "UINT64": np.uint64}
V2_TYPES = {np.dtype(v): k for k, v in DTYPES.items()}

model = None


def load_model():
    if KIND == "sklearn":
        import joblib
        return joblib.load(MODEL_PATH)
    import xgboost as xgb
    m = xgb.XGBClassifier()
    m.load_model(MODEL_PATH)
    return m


class Counter:
    """This worker's request count, in a memory-mapped file that /stats of any worker can read."""

    def __init__(self, directory):
        os.makedirs(directory, exist_ok=True)
        self.directory = directory
        self.path = os.path.join(directory, f"{os.getpid()}.count")
        with open(self.path, "wb") as f:
            f.write(bytes(8))
        with open(self.path, "r+b") as f:
            self.map = mmap.mmap(f.fileno(), 8)
        self.n = 0

    def add(self):
        self.n += 1
        struct.pack_into("<Q", self.map, 0, self.n)

    def totals(self):
        total = workers = 0
        for name in os.listdir(self.directory):
            if not name.endswith(".count"):
                continue
            try:
                with open(os.path.join(self.directory, name), "rb") as f:
                    raw = f.read(8)
            except FileNotFoundError:
                continue
            if len(raw) == 8:
                total += struct.unpack("<Q", raw)[0]
                workers += 1
        return total, workers


counter = None


@asynccontextmanager
async def lifespan(_app):
    global model, counter
    model = load_model()
    # Created after the model loaded: the number of count files is the number of ready workers.
    counter = Counter(STATS_DIR)
    yield


app = FastAPI(title="iris", lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None)


def json_response(body, status=200):
    return Response(orjson.dumps(body, option=orjson.OPT_SERIALIZE_NUMPY), status_code=status,
                    media_type="application/json")


def error(message, status):
    return json_response({"error": message}, status)


class BadInput(Exception):
    pass


def parse_json(raw):
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as e:
        raise BadInput(f"invalid JSON: {e}")


def as_rows(values, dtype=np.float32, shape=None):
    try:
        x = np.asarray(values, dtype=dtype)
    except (ValueError, TypeError) as e:
        raise BadInput(f"data must be numbers: {e}")
    if shape is not None:
        if (not isinstance(shape, list) or not all(isinstance(d, int) and not isinstance(d, bool) and d >= 0 for d in shape)):
            raise BadInput(f"shape must be a list of non-negative integers, not {shape!r}")
        if int(np.prod(shape)) != x.size:
            raise BadInput(f"shape {shape} holds {int(np.prod(shape))} values but data has {x.size}")
        x = x.reshape(shape)
    if x.ndim != 2 or x.shape[1] != FEATURES or x.shape[0] == 0:
        raise BadInput(f"expected rows of {FEATURES} features (shape [n, {FEATURES}]), got shape {list(x.shape)}")
    return x


@app.post("/predict")
async def predict(request: Request):
    counter.add()
    try:
        body = parse_json(await request.body())
        if not isinstance(body, dict) or not isinstance(body.get("instances"), list):
            raise BadInput('expected {"instances": [[f1, f2, f3, f4], ...]}')
        x = as_rows(body["instances"])
    except BadInput as e:
        return error(str(e), 400)
    return json_response({"predictions": model.predict(x)})


async def infer(request, name):
    counter.add()
    if name != MODEL_NAME:
        return error(f"Model {name} not found", 404)
    try:
        body = parse_json(await request.body())
        if not isinstance(body, dict) or not isinstance(body.get("inputs"), list) or len(body["inputs"]) != 1:
            raise BadInput('expected {"inputs": [one tensor]}')
        tensor = body["inputs"][0]
        if not isinstance(tensor, dict) or "data" not in tensor or "shape" not in tensor:
            raise BadInput("the input tensor needs name, shape, datatype and data")
        dtype = DTYPES.get(tensor.get("datatype"))
        if dtype is None:
            raise BadInput(f"unsupported datatype {tensor.get('datatype')!r}")
        x = as_rows(tensor["data"], dtype, tensor["shape"])
        wanted = [o.get("name") if isinstance(o, dict) else o for o in body.get("outputs") or [{"name": "predict"}]]
        for o in wanted:
            if o not in ("predict", "predict_proba"):
                raise BadInput(f"only 'predict' and 'predict_proba' are outputs ({o!r} was asked for)")
        request_id = body.get("id") or str(uuid.uuid4())
    except BadInput as e:
        return error(str(e), 400)
    outputs = []
    for o in wanted:
        y = model.predict(x) if o == "predict" else model.predict_proba(x)
        if y.ndim == 1:
            y = y.reshape(-1, 1)
        outputs.append({"name": o, "shape": list(y.shape), "datatype": V2_TYPES.get(y.dtype, "FP64"),
                        "parameters": {"content_type": "np"}, "data": y.ravel()})
    return json_response({"model_name": MODEL_NAME, "model_version": MODEL_VERSION, "id": request_id,
                          "parameters": {}, "outputs": outputs})


@app.post("/v2/models/{name}/infer")
async def infer_latest(name: str, request: Request):
    return await infer(request, name)


@app.post("/v2/models/{name}/versions/{version}/infer")
async def infer_version(name: str, version: str, request: Request):
    if name == MODEL_NAME and version != MODEL_VERSION:
        counter.add()
        return error(f"Model {name} with version {version} not found", 404)
    return await infer(request, name)


@app.get("/v2/models/{name}/ready")
async def model_ready(name: str):
    if name != MODEL_NAME:
        return error(f"Model {name} not found", 404)
    return Response(status_code=200)


@app.get("/v2/health/ready")
async def health_ready():
    return Response(status_code=200)


@app.get("/v2/health/live")
async def health_live():
    return Response(status_code=200)


@app.get("/stats")
async def stats():
    total, workers = counter.totals()
    return json_response({"requests": total, "workers": workers})
