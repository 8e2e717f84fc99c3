"""The FastAPI + scikit-learn peer: the same iris task and request/response shape as the platform's predict endpoint.

    uvicorn --app-dir bench/perf peer:app --workers 2 --port 5183     (BENCH_IRIS names iris.csv)

A HistGradientBoostingClassifier (100 boosting rounds, the nearest scikit-learn analogue of the platform's LightGBM
default) is trained at start-up in each worker; requests are validated by pydantic and scored with predict_proba.
"""
import csv
import os

import numpy as np
from fastapi import FastAPI
from pydantic import BaseModel
from sklearn.ensemble import HistGradientBoostingClassifier

FEATURES = ["sepal_length", "sepal_width", "petal_length", "petal_width"]

with open(os.environ.get("BENCH_IRIS", "data/iris.csv"), newline="") as f:
    rows = list(csv.DictReader(f))
X = np.array([[float(r[c]) for c in FEATURES] for r in rows])
y = np.array([r["species"] for r in rows])
model = HistGradientBoostingClassifier(max_iter=100, random_state=1).fit(X, y)
classes = [str(c) for c in model.classes_]


class Request(BaseModel):
    instances: list[dict[str, float]]


app = FastAPI()


@app.post("/models/iris/predict")
def predict(request: Request):
    batch = np.array([[row[c] for c in FEATURES] for row in request.instances])
    probabilities = model.predict_proba(batch)
    return {
        "model": "iris",
        "version": 1,
        "predictions": [
            {"label": classes[int(p.argmax())], "probabilities": dict(zip(classes, map(float, p)))} for p in probabilities
        ],
    }
