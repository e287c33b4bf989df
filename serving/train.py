#!/usr/bin/env python3
"""Trains the serving lab's two iris classifiers and writes them as MLServer model folders.

    .venv-lab/bin/python serving/train.py [LAB_DIR] [--force] [--quiet]

LAB_DIR defaults to $LAB_DIR, else serving/.lab. The data is scikit-learn's bundled copy of the
iris data set (sklearn.datasets.load_iris, no download): 150 rows, 4 features, classes 0/1/2.
A stratified 70/30 split with a fixed seed trains both models; the held-out accuracy of each is
printed (and kept in LAB_DIR/models/train.json).

Written:

  LAB_DIR/models/iris/model.joblib          StandardScaler + LogisticRegression pipeline (joblib)
  LAB_DIR/models/iris/model-settings.json   name "iris", mlserver_sklearn.SKLearnModel, version v1
  LAB_DIR/models/iris-xgb/model.json        XGBClassifier, XGBoost's own JSON format
  LAB_DIR/models/iris-xgb/model-settings.json  name "iris-xgb", mlserver_xgboost.XGBoostModel, v1
  scenarios/data/iris.csv                   all 150 rows in data set order, for swiftload feeders

What MLServer answers: both models reply to a V2 request without "outputs" with the output
"predict", datatype INT64, shape [n, 1], holding the class index (for the row
[5.1, 3.5, 1.4, 0.2] as FP32: data [0]). Asking for {"outputs": [{"name": "predict_proba"}]}
returns the class probabilities instead (FP32 from iris-xgb, FP64 from iris, shape [n, 3]).
For iris-xgb this holds because mlserver-xgboost 1.7.1 first tries to load model.json into an
XGBRegressor and falls back to XGBClassifier on the TypeError XGBoost raises when the file
records a classifier (XGBoost >= 2 stores the scikit-learn estimator type in the model file).
The model must therefore come from the scikit-learn interface (XGBClassifier.fit + save_model):
a Booster trained with xgb.train carries no estimator type, loads as an XGBRegressor, and
"predict" would then answer the three class probabilities, FP32, shape [n, 3].

Re-running is cheap and idempotent: when every artefact is newer than this script, nothing is
trained (--force trains anyway; --quiet then prints nothing). The same seed gives byte-identical
files. Each is written to a temporary name and renamed, so a server never sees half a file.
"""
import json
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
CSV = os.path.join(REPO, "scenarios", "data", "iris.csv")
SEED = 42


def lab_dir(args):
    positional = [a for a in args if not a.startswith("-")]
    return os.path.abspath(positional[0] if positional else os.environ.get("LAB_DIR") or os.path.join(HERE, ".lab"))


def artefacts(models):
    return [os.path.join(models, "iris", "model.joblib"), os.path.join(models, "iris", "model-settings.json"),
            os.path.join(models, "iris-xgb", "model.json"), os.path.join(models, "iris-xgb", "model-settings.json"),
            os.path.join(models, "train.json"), CSV]


def up_to_date(models):
    # Checked before importing scikit-learn and XGBoost, which alone take a second or two.
    script = os.path.getmtime(os.path.abspath(__file__))
    try:
        return all(os.path.getmtime(p) > script for p in artefacts(models))
    except OSError:
        return False


def write_atomically(path, write):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = f"{path}.tmp{os.getpid()}"
    write(tmp)
    os.replace(tmp, path)


def write_text(path, text):
    def write(tmp):
        with open(tmp, "w", newline="\n") as f:
            f.write(text)
    write_atomically(path, write)


def model_settings(name, implementation, uri):
    # The tensors are declared so that the model's V2 metadata (GET /v2/models/NAME, gRPC
    # ModelMetadata) describes them: swiftload builds payloads from it.
    return json.dumps({"name": name, "implementation": implementation,
                       "inputs": [{"name": "input-0", "datatype": "FP32", "shape": [-1, 4]}],
                       "outputs": [{"name": "predict", "datatype": "INT64", "shape": [-1, 1]}],
                       "parameters": {"uri": uri, "version": "v1"}}, indent=2) + "\n"


def main(args):
    lab = lab_dir(args)
    models = os.path.join(lab, "models")
    if "--force" not in args and up_to_date(models):
        if "--quiet" in args:
            return
        with open(os.path.join(models, "train.json")) as f:
            report = json.load(f)
        print(f"models up to date in {models} (held-out accuracy: iris {report['iris']['accuracy']:.3f}, "
              f"iris-xgb {report['iris-xgb']['accuracy']:.3f})")
        return

    started = time.monotonic()
    import joblib
    import numpy as np
    import xgboost as xgb
    from sklearn.datasets import load_iris
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import train_test_split
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    data = load_iris()
    X, y = data.data, data.target
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3, stratify=y, random_state=SEED)

    sk = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000, random_state=SEED))
    sk.fit(X_train, y_train)
    # One thread and a fixed seed keep the trees the same from run to run.
    xg = xgb.XGBClassifier(n_estimators=50, max_depth=3, learning_rate=0.3, tree_method="hist",
                           n_jobs=1, random_state=SEED)
    xg.fit(X_train, y_train)

    # Servers send FP32, so the checks use float32 input as MLServer will.
    report = {}
    for name, model in (("iris", sk), ("iris-xgb", xg)):
        held_out = float((model.predict(X_test.astype(np.float32)) == y_test).mean())
        everything = float((model.predict(X.astype(np.float32)) == y).mean())
        report[name] = {"accuracy": held_out, "accuracy_all_rows": everything,
                        "test_rows": int(len(y_test)), "train_rows": int(len(y_train))}
        print(f"{name}: held-out accuracy {held_out:.3f} on {len(y_test)} rows "
              f"({everything:.3f} on all {len(y)} rows)")
    first = np.array([[5.1, 3.5, 1.4, 0.2]], dtype=np.float32)
    assert int(sk.predict(first)[0]) == 0 and int(xg.predict(first)[0]) == 0, "row [5.1, 3.5, 1.4, 0.2] is class 0"

    write_atomically(os.path.join(models, "iris", "model.joblib"), lambda p: joblib.dump(sk, p))
    write_text(os.path.join(models, "iris", "model-settings.json"),
               model_settings("iris", "mlserver_sklearn.SKLearnModel", "./model.joblib"))
    def save_xgb(tmp):
        # XGBoost picks the format from the suffix: ".json" is its JSON format, and model.json is
        # one of the file names mlserver-xgboost looks for.
        xg.save_model(tmp + ".json")
        os.replace(tmp + ".json", tmp)
    write_atomically(os.path.join(models, "iris-xgb", "model.json"), save_xgb)
    write_text(os.path.join(models, "iris-xgb", "model-settings.json"),
               model_settings("iris-xgb", "mlserver_xgboost.XGBoostModel", "./model.json"))

    # Features as the data set prints them (one decimal), the class as an integer, data set order.
    lines = ["sepal_length,sepal_width,petal_length,petal_width,species"]
    lines += [",".join(f"{v:.1f}" for v in row) + f",{int(label)}" for row, label in zip(X, y)]
    write_text(CSV, "\n".join(lines) + "\n")

    report["seed"] = SEED
    report["versions"] = {"scikit-learn": __import__("sklearn").__version__, "xgboost": xgb.__version__}
    # Written last: its presence means every artefact above is complete.
    write_text(os.path.join(models, "train.json"), json.dumps(report, indent=2) + "\n")
    print(f"wrote {models}/iris, {models}/iris-xgb and {os.path.relpath(CSV, REPO)} "
          f"({time.monotonic() - started:.1f} s)")


if __name__ == "__main__":
    main(sys.argv[1:])
