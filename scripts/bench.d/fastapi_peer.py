"""The peer of serve's POST /predict/census_income_xgboost that a data scientist would write: FastAPI with
pydantic models, served by uvicorn, scoring with xgboost itself. Same request and answer shapes as serve.

usage: fastapi_peer.py [--host H] [--port P] [--model data/census/xgbc.json] [--workers N]
"""
import argparse
import os
import socket
import sys
from typing import Annotated, Literal, Optional, Union

import numpy as np
import uvicorn
import xgboost
from fastapi import Body, FastAPI
from pydantic import BaseModel, ConfigDict, Field
from uvicorn.supervisors import Multiprocess

NAME = "census_income_xgboost"
THRESHOLD = 0.5  # ml.models.threshold of the registered version
CATEGORIES = ["sex", "marital_stat", "education", "tax_filer_stat"]
# openapi.yaml's pattern: some character other than a space or NUL.
Label = Optional[Annotated[str, Field(pattern=r"^[^\x00]*[^ \x00][^\x00]*$")]]


class CensusRecord(BaseModel):
    # serve answers 422 to a field it does not know, as openapi.yaml's additionalProperties: false says.
    model_config = ConfigDict(extra="forbid")
    age: int = Field(ge=0, le=150)
    # Optional without a default: the field must be sent, null meaning unknown.
    sex: Label
    marital_stat: Label
    education: Label
    tax_filer_stat: Label


class Prediction(BaseModel):
    model: str
    version: int
    probability: float
    label: Literal["50000+.", "- 50000."]
    over_50k: bool
    unknown_inputs: list[str]


def create_app():
    booster = xgboost.Booster()
    booster.load_model(os.environ["PEER_MODEL"])
    # One thread per process: a request is one row or a thousand, too little to split, and the machine's
    # cores go to more workers (--workers), not to OpenMP threads fighting them.
    booster.set_param({"nthread": 1})
    features = booster.feature_names
    age_column = features.index("age")
    # xgboost_predict.py builds features with pandas get_dummies + reindex; per request that costs more than
    # the trees, so a service tuned by anyone who profiled it looks each label's column up in a dict built
    # once and fills a float32 array. Columns keep the census file's spelling (" Female"); a person sends
    # "Female". The longest input name prefixing a feature owns it, as serve's OneHotEncoder decides.
    columns = {name: {} for name in CATEGORIES}
    for index, feature in enumerate(features):
        owners = [name for name in CATEGORIES if feature.startswith(name + "_")]
        if feature != "age" and owners:
            owner = max(owners, key=len)
            columns[owner].setdefault(feature[len(owner) + 1:].strip(" \t"), index)

    app = FastAPI(title="census income peer")

    # async def: scoring is microseconds of CPU, so it runs on the event loop rather than paying for a hop
    # to FastAPI's thread pool (what a plain def would do).
    @app.post(f"/predict/{NAME}", response_model=Union[Prediction, list[Prediction]])
    async def predict(body: Annotated[Union[CensusRecord, Annotated[list[CensusRecord], Field(min_length=1, max_length=1000)]], Body()]):
        records = body if isinstance(body, list) else [body]
        matrix = np.zeros((len(records), len(features)), dtype=np.float32)
        rows, cols, unknown = [], [], []
        for row, record in enumerate(records):
            matrix[row, age_column] = record.age
            missing = []
            for name in CATEGORIES:
                value = getattr(record, name)
                if value is None:
                    continue
                column = columns[name].get(value.strip(" \t"))
                if column is None:
                    missing.append(name)
                else:
                    rows.append(row)
                    cols.append(column)
            unknown.append(missing)
        matrix[rows, cols] = 1
        probabilities = booster.inplace_predict(matrix)
        answers = [
            {"model": NAME, "version": 1, "probability": float(p), "label": "50000+." if p >= THRESHOLD else "- 50000.",
             "over_50k": bool(p >= THRESHOLD), "unknown_inputs": missing}
            for p, missing in zip(probabilities, unknown)
        ]
        return answers if isinstance(body, list) else answers[0]

    return app


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--model", default="data/census/xgbc.json")
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    # Workers are fresh processes importing the app by name, so the model's path travels in the environment
    # (and the module is found because this script's folder is first on sys.path, which they inherit).
    os.environ["PEER_MODEL"] = os.path.abspath(args.model)
    # Importing the app by name would leave a __pycache__ in scripts/bench.d, here and in each worker.
    sys.dont_write_bytecode = True
    os.environ["PYTHONDONTWRITEBYTECODE"] = "1"
    # No access log: serve writes none per request either, and a line per request is a cost of its own.
    config = uvicorn.Config("fastapi_peer:create_app", factory=True, host=args.host, port=args.port,
                            workers=args.workers, access_log=False, log_level="warning")
    if args.workers == 1:
        uvicorn.Server(config).run()
    else:
        # uvicorn.run would bind this socket itself, with proto 0, and asyncio then never sets TCP_NODELAY
        # on accepted connections: each keep-alive answer waits ~40 ms on the client's delayed ACK
        # (Kludex/uvicorn#3149). Bound here as a TCP socket, the workers answer as fast as one worker does.
        listener = socket.socket(socket.AF_INET6 if ":" in args.host else socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((args.host, args.port))
        listener.set_inheritable(True)
        Multiprocess(config, sockets=[listener]).run()
