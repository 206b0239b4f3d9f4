"""REST endpoints of the pods part of the API: Customer Empathy Pods CRUD.

Thin wrappers over :mod:`empathos.act.pods` (the same calls as ``empathos pods load`` /
``list``). Bodies are validated by the same pydantic models as pods files, so a bad field
answers 422 with the field's path in ``detail[].loc``. After a change the live desk (if
this app has one running) reloads its pod state, so routing sees the new pods.
"""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request, Response
from fastapi.encoders import jsonable_encoder
from pydantic import BaseModel, ValidationError

from empathos.act.pods import PodBody, PodSpec, PodView, delete_pod, get_pod, list_pods, save_pods
from empathos.api._ids import normalised_id
from empathos.web.tenancy import store_engine, live_desk

router = APIRouter(tags=["pods"])


class PodList(BaseModel):
    """All stored pods."""

    pods: list[PodView]


def _refresh_live(request: Request) -> None:
    """Tell a running live desk that pods changed (no-op when none was started)."""
    desk = live_desk(request)
    refresh = getattr(desk, "refresh_pods", None)
    if callable(refresh):
        refresh()


@router.get(
    "/pods", response_model=PodList, summary="List the pods with members and owned customers"
)
def pods_index(request: Request) -> PodList:
    return PodList(pods=list_pods(store_engine(request)))


@router.get(
    "/pods/{pod_id}",
    response_model=PodView,
    summary="One pod",
    responses={404: {"description": "No such pod"}},
)
def pods_show(pod_id: str, request: Request) -> PodView:
    pod_id = normalised_id(pod_id, "pod_id", "path")
    pod = get_pod(store_engine(request), pod_id)
    if pod is None:
        raise HTTPException(status_code=404, detail=f"no pod {pod_id!r}")
    return pod


@router.post(
    "/pods",
    response_model=PodView,
    status_code=201,
    summary="Create a pod",
    responses={409: {"description": "A pod with this id exists (use PUT to replace it)"}},
)
def pods_create(pod: PodSpec, request: Request) -> PodView:
    engine = store_engine(request)
    pod = pod.model_copy(update={"pod_id": normalised_id(pod.pod_id, "pod_id")})
    if get_pod(engine, pod.pod_id) is not None:
        raise HTTPException(
            status_code=409, detail=f"pod {pod.pod_id!r} exists; PUT /pods/{pod.pod_id} replaces it"
        )
    save_pods(engine, [pod])
    _refresh_live(request)
    return get_pod(engine, pod.pod_id)  # type: ignore[return-value]


@router.put("/pods/{pod_id}", response_model=PodView, summary="Create or replace a pod")
def pods_replace(pod_id: str, body: PodBody, request: Request) -> PodView:
    engine = store_engine(request)
    pod_id = normalised_id(pod_id, "pod_id", "path")
    try:
        spec = PodSpec(pod_id=pod_id, **body.model_dump())
    except ValidationError as exc:  # the path's id (e.g. too long)
        raise HTTPException(
            status_code=422, detail=jsonable_encoder(exc.errors(include_url=False))
        ) from None
    save_pods(engine, [spec])
    _refresh_live(request)
    return get_pod(engine, pod_id)  # type: ignore[return-value]


@router.delete(
    "/pods/{pod_id}",
    status_code=204,
    response_class=Response,
    summary="Delete a pod",
    responses={404: {"description": "No such pod"}},
)
def pods_delete(pod_id: str, request: Request) -> Response:
    pod_id = normalised_id(pod_id, "pod_id", "path")
    if not delete_pod(store_engine(request), pod_id):
        raise HTTPException(status_code=404, detail=f"no pod {pod_id!r}")
    _refresh_live(request)
    return Response(status_code=204)
