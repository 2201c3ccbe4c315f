# syntax=docker/dockerfile:1
# The project's image. Default command: the gRPC code server (compose service user_code), where runs execute; the
# webserver and daemon services run the same image with another entrypoint. torch is the CPU wheel by default;
# `--build-arg TORCH_VARIANT=cu128` (docker-compose.gpu.yml) builds the CUDA variant that embeds, trains and evaluates
# on the GPUs reserved for the runs (MIRACLE_DEVICE). vLLM has its own image either way.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# libgomp1: OpenMP for llama.cpp (xllamacpp's wheel links the system's). Every dependency installs from a
# prebuilt wheel, so there is no compiler in the image.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libgomp1 \
    && rm -rf /var/lib/apt/lists/*

# torch before the project, from PyTorch's index: `cpu` (the PyPI wheel would add gigabytes of CUDA libraries) or a
# CUDA build (cu126, cu128, cu130: its wheels bring the CUDA libraries; the host needs only the driver and the NVIDIA
# Container Toolkit).
ARG TORCH_VARIANT=cpu
RUN pip install torch==2.13.0 --index-url "https://download.pytorch.org/whl/${TORCH_VARIANT}"

WORKDIR /opt/miracle/src
COPY pyproject.toml README.md ./
# Dependencies in their own layer, so a code change does not reinstall them.
RUN python -c "import tomllib; p = tomllib.load(open('pyproject.toml', 'rb'))['project']; print('\n'.join(p['dependencies'] + p['optional-dependencies']['deploy'] + p['optional-dependencies']['s3']))" > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt
COPY miracle_dagster ./miracle_dagster
RUN pip install ".[deploy,s3]" && rm -rf /opt/miracle/src/build

# A user without a login; the data folders exist in the image so that new named volumes inherit their owner.
RUN useradd --create-home --uid 10001 --shell /usr/sbin/nologin miracle \
    && mkdir -p /opt/dagster/dagster_home /data/miracle /data/models /data/private /data/source \
    && chown -R miracle:miracle /opt/dagster /data \
    && chmod 700 /data/private
ENV DAGSTER_HOME=/opt/dagster/dagster_home \
    MIRACLE_HOME=/data/miracle \
    MIRACLE_MODELS_DIR=/data/models \
    MIRACLE_PRIVATE_DIR=/data/private \
    HF_HOME=/data/models/huggingface \
    HF_HUB_OFFLINE=1 \
    TOKENIZERS_PARALLELISM=false \
    OMP_WAIT_POLICY=PASSIVE
USER miracle
WORKDIR /opt/dagster

EXPOSE 4000
CMD ["dagster", "code-server", "start", "-h", "0.0.0.0", "-p", "4000", "-m", "miracle_dagster.definitions", "--location-name", "miracle"]
