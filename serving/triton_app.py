"""The lab's iris models served by NVIDIA Triton Inference Server, through PyTriton (PyPI
`nvidia-pytriton`, which ships a real `tritonserver` with its Python backend; CPU only here).
The third serving option beside MLServer and FastAPI, answering the same Open Inference Protocol
requests with the same names, so the lab's scenarios target it with TARGET alone:

    model "iris" (scikit-learn) and "iris-xgb" (XGBoost), version 1
    input  "input-0"  FP32  [-1, 4]   (batch dimension first, up to MAX_BATCH rows)
    output "predict"  INT64 [-1, 1]   the class index

    .venv-triton/bin/python serving/triton_app.py      # or serving/start.sh triton

Environment: LAB_DIR (the trained models, default serving/.lab), TRITON_HTTP_PORT [28100],
TRITON_GRPC_PORT [28101], TRITON_METRICS_PORT [28102], MAX_BATCH [32], MODEL all|sklearn|xgboost
[all]. Serves until SIGTERM or SIGINT. Triton's Prometheus metrics (nv_inference_request_success,
queue and compute durations in microseconds) are at :TRITON_METRICS_PORT/metrics.

The venv must use Debian's Python (/usr/bin/python3): with other builds the Python backend's stub
fails to load the model. Start-up takes about 20 s; "Failed to initialize NVML" is harmless.
"""
import os
import signal
import sys

import joblib
import numpy as np
import xgboost as xgb
from pytriton.decorators import batch
from pytriton.model_config import ModelConfig, Tensor
from pytriton.triton import Triton, TritonConfig

HERE = os.path.dirname(os.path.abspath(__file__))
LAB_DIR = os.path.abspath(os.environ.get("LAB_DIR") or os.path.join(HERE, ".lab"))
MAX_BATCH = int(os.environ.get("MAX_BATCH", "32"))
KIND = os.environ.get("MODEL", "all")
if KIND not in ("all", "sklearn", "xgboost"):
    raise SystemExit(f"MODEL must be all, sklearn or xgboost, not {KIND!r}")


def predictor(model):
    @batch
    def infer(**inputs):
        rows = inputs["input-0"].astype(np.float32, copy=False)
        return {"predict": model.predict(rows).astype(np.int64).reshape(-1, 1)}
    return infer


def main():
    models = []
    if KIND in ("all", "sklearn"):
        models.append(("iris", joblib.load(os.path.join(LAB_DIR, "models", "iris", "model.joblib"))))
    if KIND in ("all", "xgboost"):
        x = xgb.XGBClassifier()
        x.load_model(os.path.join(LAB_DIR, "models", "iris-xgb", "model.json"))
        models.append(("iris-xgb", x))

    config = TritonConfig(http_address="127.0.0.1", http_port=int(os.environ.get("TRITON_HTTP_PORT", "28100")),
                          grpc_address="127.0.0.1", grpc_port=int(os.environ.get("TRITON_GRPC_PORT", "28101")),
                          metrics_port=int(os.environ.get("TRITON_METRICS_PORT", "28102")), allow_metrics=True,
                          log_verbose=0)
    with Triton(config=config) as triton:
        for name, model in models:
            triton.bind(model_name=name, infer_func=predictor(model),
                        inputs=[Tensor(name="input-0", dtype=np.float32, shape=(4,))],
                        outputs=[Tensor(name="predict", dtype=np.int64, shape=(1,))],
                        config=ModelConfig(max_batch_size=MAX_BATCH))
        # serve() blocks until the server stops; SIGTERM (serving/stop.sh) ends it cleanly.
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        triton.serve()


if __name__ == "__main__":
    main()
