"""Label Studio's ML backend protocol, served under ``/label-studio/``: connect a Label Studio
project to ``http://HOST:PORT/label-studio`` (Settings > Model) and its editor shows spinscan's
techniques, genre and frames as pre-annotations in the project's own label names.

``GET /health`` (and ``/``), ``POST /setup``, ``POST /predict``, ``POST /webhook``, ``GET
/metrics``, answered as Label Studio's ML backend SDK answers them; the work is the library's
(:mod:`spinscan.annotations.ml_backend`) and the analysis goes through the server's own queue.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from ..annotations.ml_backend import AnnotationStore, Controls, parse_config, prediction
from ..errors import SpinscanError
from .body import json_body
from .errors import ApiError

log = logging.getLogger(__name__)

Analyse = Callable[[str, str | None], Awaitable[Any]]  # (text, lang) -> Analysis, through the queue


def label_studio_router(analyse: Analyse, model_version: str, store_dir: str | Path | None,
                        max_tasks: int) -> APIRouter:  # fmt: skip
    router = APIRouter(prefix="/label-studio", tags=["Label Studio ML backend"])
    configs: dict[str, Controls] = {}  # project id -> its controls, from /setup
    store = AnnotationStore(store_dir) if store_dir else None

    def controls(config: Any, project: str) -> Controls:
        if isinstance(config, str) and config.strip():
            try:
                configs[project] = parse_config(config)
            except SpinscanError as e:
                raise ApiError(400, e.code, f"the project's labeling config: {e}") from e
        return configs.get(project) or configs.setdefault(project, Controls(spans="label", genre="genre",
                                                                            frames="frames"))  # fmt: skip

    @router.get("/health")
    @router.get("/")
    async def health() -> dict[str, Any]:
        """Label Studio's check that the backend is up."""
        return {"status": "UP", "model_class": "spinscan", "model_version": model_version}

    @router.post("/setup")
    async def setup(request: Request) -> dict[str, Any]:
        """Label Studio connects a project: its labeling config (``schema``) says the names."""
        body = json_body(await request.body())
        if not isinstance(body, dict):
            raise ApiError(422, "invalid_request", "expected a JSON object with 'project' and 'schema'")
        controls(body.get("schema"), str(body.get("project", "")).split(".", 1)[0])
        return {"model_version": model_version}

    @router.post("/predict")
    async def predict(request: Request) -> dict[str, Any]:
        """Pre-annotations for ``tasks`` in the project's names, one prediction per task."""
        body = json_body(await request.body())
        tasks = body.get("tasks") if isinstance(body, dict) else None
        if not isinstance(tasks, list):
            raise ApiError(422, "invalid_request", "expected a JSON object with a list of 'tasks'")
        if len(tasks) > max_tasks:
            raise ApiError(413, "too_many_articles", f"{len(tasks)} tasks; at most {max_tasks} per request")
        c = controls(body.get("label_config"), str(body.get("project", "")).split(".", 1)[0])
        results = []
        for task in tasks:
            data = task.get("data") if isinstance(task, dict) else None
            text = data.get(c.text_field) if isinstance(data, dict) else None
            if not isinstance(text, str) or not text.strip():
                results.append({"result": [], "score": 0.0, "model_version": model_version})
                continue
            lang = data.get("lang") if isinstance(data.get("lang"), str) else None
            try:
                a = await analyse(text, lang)
            except ApiError as e:
                if e.status == 429:
                    raise
                log.warning("task %s: %s", task.get("id"), e.message)
                results.append({"result": [], "score": 0.0, "model_version": model_version})
                continue
            results.append(prediction(a, text, c, model_version))
        return {"results": results}

    @router.post("/webhook")
    async def webhook(request: Request):
        """Annotation events: kept for ``spinscan learn`` when the server runs with
        ``--label-studio-dir``; other events are acknowledged and ignored."""
        body = json_body(await request.body())
        if not isinstance(body, dict):
            raise ApiError(422, "invalid_request", "expected a JSON event object with 'action'")
        if store is None:
            why = "not kept (start spinscan serve with --label-studio-dir DIR to keep annotations for learn)"
            return JSONResponse({"status": "ok", "result": why}, status_code=201)
        try:
            done = store.apply(body)
        except SpinscanError as e:
            raise ApiError(400, e.code, str(e)) from e
        return JSONResponse({"status": "ok", "result": done}, status_code=201 if done != "ignored" else 200)

    @router.get("/metrics")
    async def metrics() -> dict[str, Any]:
        return {}

    return router
