"""Dagster's Docker run launcher, plus GPUs for the runs that ask for them.

`DockerRunLauncher` gives every run container the same `container_kwargs`; a GPU for every run would hold the
card for ingest and QA runs that never touch it. Here a run tagged `miracle/gpus=N` (`all`: every GPU of the host)
gets a reservation of N NVIDIA GPUs, the rest none. The jobs that embed, train or evaluate carry the tag when
`MIRACLE_DEVICE` asks for CUDA (`deployment.gpu_tags`); `InstanceConfig(run_launcher="docker")` names this class.
"""

from __future__ import annotations

from dagster._core.storage.dagster_run import DagsterRun
from dagster_docker import DockerRunLauncher
from dagster_docker.container_context import DockerContainerContext

from miracle_dagster.deployment import GPU_TAG


def device_requests(gpus: str) -> list[dict]:
    """docker-py's `device_requests` (what `docker run --gpus N` sends) for a tag value: a count or `all`."""
    if gpus != "all" and not gpus.isdigit():
        raise ValueError(f"tag {GPU_TAG}={gpus!r}: a number of GPUs or 'all'")
    return [{"driver": "nvidia", "count": -1 if gpus == "all" else int(gpus), "capabilities": [["gpu"]]}]


class GpuDockerRunLauncher(DockerRunLauncher):
    def get_container_context(self, dagster_run: DagsterRun) -> DockerContainerContext:
        context = super().get_container_context(dagster_run)
        gpus = dagster_run.tags.get(GPU_TAG)
        if not gpus or gpus == "0":
            return context
        # NCCL between the GPUs of one run needs more shared memory than Docker's 64 MB default
        kwargs = {"device_requests": device_requests(gpus), "shm_size": "8g"}
        return context.merge(DockerContainerContext(container_kwargs=kwargs))
