"""The production stack without a Docker engine: the compose file against the Compose Specification and against the
project (variables it reads, ports, volumes), deploy/dagster.yaml through Dagster's own config schema, the
Dockerfile, the swappable instance config, and no PHI in the logs of a pipeline run."""

import datetime as dt
import importlib
import importlib.metadata
import json
import logging
import re
import shutil
import subprocess
import tomllib
from collections import Counter
from pathlib import Path
from urllib.parse import urlparse

import dagster as dg
import fastjsonschema
import pytest
import yaml
from dockerfile_parse import DockerfileParser

from miracle_dagster import deployment
from miracle_dagster.core.variables import VARIABLES
from miracle_dagster.deployment import COMPOSE, RUN_ENV, VOLUMES, VOLUMES_READ_ONLY, DataRootLocation, InstanceConfig

ROOT = Path(__file__).resolve().parents[1]
SECRETS = {  # the required variables, with stand-in values
    "DAGSTER_POSTGRES_PASSWORD": "pg-pass",
    "MIRACLE_PSEUDONYM_SECRET": "test-secret-0123456789abcdef",
    "MIRACLE_QDRANT_API_KEY": "qdrant-key",
    "MIRACLE_LLM_API_KEY": "llm-key",
    "VLLM_MODEL": "VAGOsolutions/Llama-3.1-SauerkrautLM-8b-Instruct",
    "MIRACLE_LLM_MODEL": "sauerkraut-8b",
}
# Docker Compose's own substitution pattern (compose-go template.go): $$, $VAR, ${VAR}, ${VAR:-default}, ${VAR:?error}
_SUBST = r"[_a-z][_a-z0-9]*(?::?[-?][^}]*)?"
_PATTERN = re.compile(rf"\$(?:(?P<escaped>\$)|(?P<named>[_a-z][_a-z0-9]*)|{{(?P<braced>{_SUBST})}}|(?P<invalid>))", re.I)


def interpolate(node, env: dict[str, str]):
    """What `docker compose config` does to every string of the file, with `env` as the .env file."""
    if isinstance(node, dict):
        return {key: interpolate(value, env) for key, value in node.items()}
    if isinstance(node, list):
        return [interpolate(value, env) for value in node]
    if not isinstance(node, str):
        return node

    def substitute(match: re.Match) -> str:
        if match["escaped"]:
            return "$"
        if match["invalid"] is not None and not (match["named"] or match["braced"]):
            raise ValueError(f"invalid interpolation in {node!r}")
        expr = match["named"] or match["braced"]
        name, op, arg = re.match(r"([_a-z][_a-z0-9]*)(:?[-?])?(.*)", expr, re.I).groups()
        value = env.get(name)
        unset = value is None or (op is not None and op.startswith(":") and value == "")
        if op and op.endswith("?") and unset:
            raise KeyError(f"{name}: {arg}")
        return arg if op and op.endswith("-") and unset else (value or "")

    return _PATTERN.sub(substitute, node)


@pytest.fixture(scope="module")
def raw_compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


@pytest.fixture(scope="module")
def compose(raw_compose) -> dict:
    """The stack as Docker Compose sees it with a .env that holds only the required secrets."""
    return interpolate(raw_compose, SECRETS)


@pytest.fixture(scope="module")
def env_example() -> dict[str, str]:
    lines = (ROOT / ".env.example").read_text().splitlines()
    pairs = [line.split("=", 1) for line in lines if line.strip() and not line.lstrip().startswith("#")]
    assert all(len(pair) == 2 for pair in pairs), "every line of .env.example is KEY= or a comment"
    counts = Counter(key for key, _ in pairs)
    assert not [key for key, n in counts.items() if n > 1]
    return dict(pairs)


def _duration(value: str) -> bool:
    return bool(re.fullmatch(r"(\d+(\.\d+)?(us|ms|s|m|h))+", value))


def _ports(value) -> bool:
    return bool(re.fullmatch(r"((\[?[0-9a-fA-F.:]+\]?):)?(\d+(-\d+)?:)?\d+(-\d+)?(/(tcp|udp))?", str(value)))


@pytest.fixture(scope="module")
def compose_validator():
    schema = json.loads((ROOT / "tests" / "data" / "compose-spec.json").read_text())
    return fastjsonschema.compile(schema, formats={"duration": _duration, "ports": _ports})


def _env(service: dict) -> dict[str, str]:
    env = service.get("environment") or {}
    return env if isinstance(env, dict) else dict(item.split("=", 1) for item in env)


def _mounts(service: dict) -> dict[str, str]:
    """source -> target of the service's short-syntax volumes."""
    return {item.split(":")[0]: item.split(":")[1] for item in service.get("volumes", [])}


def _mounts_of_user_code_with_modes() -> dict[str, list[str]]:
    """named volume -> [path, rw|ro] as compose mounts them where runs execute."""
    service = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]["user_code"]
    named = [v.split(":") for v in service["volumes"] if not v.startswith((".", "/"))]
    return {parts[0]: [parts[1], parts[2] if len(parts) > 2 else "rw"] for parts in named}


# --- the compose file ---------------------------------------------------------------------------------------------


def test_compose_is_valid_compose_spec(compose, compose_validator):
    compose_validator(compose)  # as Compose does: after interpolation
    broken = json.loads(json.dumps(compose))
    broken["services"]["vllm"]["deploy"]["resources"]["reservations"]["devices"][0]["capabilities"] = "gpu"
    with pytest.raises(fastjsonschema.JsonSchemaException):
        compose_validator(broken)  # the schema is strict enough to catch a real mistake
    broken = json.loads(json.dumps(compose))
    broken["services"]["webserver"]["healthcheck"]["interval"] = "15 seconds"
    with pytest.raises(fastjsonschema.JsonSchemaException):
        compose_validator(broken)


def _merged(base: dict, override: dict) -> dict:
    """Compose's merge of an override file: mappings merge key by key, anything else is replaced."""
    out = dict(base)
    for key, value in override.items():
        out[key] = _merged(base[key], value) if isinstance(value, dict) and isinstance(base.get(key), dict) else value
    return out


def test_gpu_file_builds_cuda_torch_and_reserves_gpus_where_runs_execute(raw_compose, compose, compose_validator):
    gpu = yaml.safe_load((ROOT / "docker-compose.gpu.yml").read_text())
    assert set(gpu["services"]) <= set(raw_compose["services"])  # it only adds to the base file's services
    stack = interpolate(_merged(raw_compose, {k: v for k, v in gpu.items() if not k.startswith("x-")}), SECRETS)
    compose_validator(stack)
    services = stack["services"]
    # one image tag for the three Dagster services, so all three are built with the same (CUDA) torch
    builds = {name: services[name]["build"] for name in ("user_code", "webserver", "daemon")}
    assert all(build == {"context": ".", "dockerfile": "Dockerfile", "args": {"TORCH_VARIANT": "cu128"}} for build in builds.values())
    assert set(builds["user_code"]["args"]) == set(DockerfileParser(path=str(ROOT / "Dockerfile")).args)
    [device] = services["user_code"]["deploy"]["resources"]["reservations"]["devices"]
    assert device == {"driver": "nvidia", "count": "all", "capabilities": ["gpu"]}
    assert "deploy" not in services["webserver"] and "deploy" not in services["daemon"]  # they never run models
    env = _env(services["user_code"])
    assert env["MIRACLE_DEVICE"] == "cuda" and env["MIRACLE_TRAIN_PROCESSES"] == "1"
    assert _env(compose["services"]["user_code"])["MIRACLE_DEVICE"] == "auto"  # the CPU image alone: torch decides


def _compose_cli() -> list[str] | None:
    if shutil.which("docker") and subprocess.run(["docker", "compose", "version"], capture_output=True).returncode == 0:
        return ["docker", "compose"]
    return ["docker-compose"] if shutil.which("docker-compose") else None


@pytest.mark.skipif(_compose_cli() is None, reason="no Docker Compose CLI on this machine")
def test_compose_cli_accepts_the_file(tmp_path):
    """Where a Compose CLI is installed (no engine needed), its own parser, interpolation and schema agree."""
    env_file = tmp_path / "test.env"
    env_file.write_text("".join(f"{key}={value}\n" for key, value in SECRETS.items()))
    cmd = [*_compose_cli(), "--env-file", str(env_file), "-f", str(ROOT / "docker-compose.yml"), "config"]
    result = subprocess.run(cmd, capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    resolved = yaml.safe_load(result.stdout)
    assert resolved["services"]["user_code"]["environment"]["MIRACLE_SOURCE_COLUMN_MAP"] == "{}"
    missing = {key: value for key, value in SECRETS.items() if key != "MIRACLE_PSEUDONYM_SECRET"}
    env_file.write_text("".join(f"{key}={value}\n" for key, value in missing.items()))
    result = subprocess.run(cmd, capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode != 0 and "MIRACLE_PSEUDONYM_SECRET" in result.stderr


def test_services_have_health_checks_and_restart_policies(compose):
    services = compose["services"]
    assert set(services) == {"postgres", "qdrant", "vllm", "user_code", "webserver", "daemon"}
    for name, service in services.items():
        assert service["restart"] in ("unless-stopped", "always"), name
        assert service["healthcheck"]["test"], name
    for name in ("user_code", "webserver", "daemon"):
        assert services[name]["build"] == {"context": ".", "dockerfile": "Dockerfile", "args": {"TORCH_VARIANT": "cpu"}}
        assert services[name]["depends_on"]["postgres"]["condition"] == "service_healthy"
    for name in ("webserver", "daemon"):
        assert services[name]["depends_on"]["user_code"]["condition"] == "service_healthy"
    assert services["user_code"]["depends_on"]["qdrant"]["condition"] == "service_healthy"


def test_required_secrets_stop_compose_when_missing(raw_compose):
    for name in SECRETS:
        with pytest.raises(KeyError, match=name):
            interpolate(raw_compose, {k: v for k, v in SECRETS.items() if k != name})
        with pytest.raises(KeyError, match=name):
            interpolate(raw_compose, {**SECRETS, name: ""})  # an empty line in .env counts as missing


def test_no_secret_is_written_into_the_compose_file(raw_compose):
    secret = re.compile(r"KEY|SECRET|PASSWORD|TOKEN|SQL_URL")
    for name, service in raw_compose["services"].items():
        for var, value in _env(service).items():
            if secret.search(var):
                assert re.fullmatch(r"\$\{[A-Z0-9_]+(:\?[^}]*|:-)?\}", value), (name, var, value)


def test_referenced_files_exist(raw_compose):
    for name, service in raw_compose["services"].items():
        if "build" in service:
            assert (ROOT / service["build"]["context"] / service["build"]["dockerfile"]).is_file()
        for source in _mounts(service):
            if source.startswith((".", "/")):
                assert (ROOT / source).is_file(), (name, source)
        env_files = service.get("env_file", [])
        for env_file in [env_files] if isinstance(env_files, str) else env_files:
            assert (ROOT / f"{env_file}.example").is_file()
    assert (ROOT / ".env.example").is_file() and (ROOT / ".dockerignore").is_file()
    ignored = (ROOT / ".gitignore").read_text().split()
    assert ".env" in ignored  # the filled-in copy never lands in git


def test_every_variable_is_in_env_example_without_a_value(env_example):
    text = (ROOT / "docker-compose.yml").read_text() + (ROOT / "docker-compose.gpu.yml").read_text()
    used = {m["braced"].split(":")[0].split("-")[0].split("?")[0] for m in _PATTERN.finditer(text) if m["braced"]}
    used |= {m["named"] for m in _PATTERN.finditer(text) if m["named"]}
    assert used == set(env_example), (used - set(env_example), set(env_example) - used)
    assert not {key: value for key, value in env_example.items() if value.strip()}, "committed without values"


_CALL = r"(?:environ(?:\.get)?\(|environ\[|getenv\(|EnvVar\(|\benv\(|\bvalue\()"


def _project_code() -> list[str]:
    """The project's modules but the two that list the variables (scanning them would prove nothing)."""
    return [f.read_text() for f in (ROOT / "miracle_dagster").rglob("*.py") if f.name not in ("deployment.py", "variables.py")]


def _variables_the_project_reads() -> set[str]:
    reads = re.compile(_CALL + r"""\s*["'](MIRACLE_\w+)["']""")
    return {name for text in _project_code() for name in reads.findall(text)}


def test_the_variable_list_is_what_the_code_reads_and_holds_every_default():
    listed = {v.name for v in VARIABLES}
    assert {n for n in listed if n.startswith("MIRACLE_")} == _variables_the_project_reads()
    defaulted = re.compile(r"""(?:environ\.get|getenv|\benv)\(\s*["']((?:MIRACLE|DEEPL)_\w+)["']\s*,\s*["']([^"']+)["']""")
    assert not [m for text in _project_code() for m in defaulted.findall(text)], "a default outside core/variables.py"
    assert all(v.run for v in VARIABLES if v.secret)  # a secret nobody runs with should not be asked for


def test_every_variable_is_documented_and_reaches_the_runs(raw_compose, env_example):
    """In .env.example (or fixed by compose, like the volume paths), in a README table, and in the user_code
    container where runs execute."""
    raw_user_code = _env(raw_compose["services"]["user_code"])
    fixed = {name for name, value in raw_user_code.items() if "$" not in str(value)}
    readme_rows = [line for line in (ROOT / "README.md").read_text().splitlines() if line.startswith("|")]
    for variable in VARIABLES:
        assert variable.name in env_example or variable.name in fixed, variable.name
        assert any(f"`{variable.name}`" in row for row in readme_rows), f"{variable.name} has no README table row"
        assert not variable.run or variable.name in raw_user_code, f"{variable.name} never reaches a run"


def test_every_miracle_variable_is_one_the_project_reads(compose):
    read = _variables_the_project_reads()
    assert {"MIRACLE_HOME", "MIRACLE_QDRANT_URL", "MIRACLE_LLM_API_KEY", "MIRACLE_PSEUDONYM_SECRET"} <= read
    for name, service in compose["services"].items():
        unknown = {var for var in _env(service) if var.startswith("MIRACLE_")} - read
        assert not unknown, (name, unknown)
    user_code = _env(compose["services"]["user_code"])
    assert set(user_code) == set(RUN_ENV)  # the Docker launcher passes exactly what the code server has
    assert {var for var in read if var.startswith("MIRACLE_SOURCE_")} <= set(user_code)
    assert user_code["MIRACLE_LLM_BACKEND"] == "openai"


def test_container_environment_builds_every_resource(compose, monkeypatch):
    """With .env.example left empty, the defaults compose fills in are values the project's config accepts."""
    import miracle_dagster.resources as resources

    for var in RUN_ENV:
        monkeypatch.delenv(var, raising=False)
    for var, value in _env(compose["services"]["user_code"]).items():
        monkeypatch.setenv(var, value)
    source, llm, qdrant = resources.build_source(), resources.build_llm(), resources.build_qdrant()
    assert json.loads(source.column_map_json) == {} and source.folder == "/data/source"
    assert (llm.backend, llm.base_url, llm.concurrency) == ("openai", "http://vllm:8000/v1", 64)
    assert qdrant.url == "http://qdrant:6333" and qdrant.api_key is not None
    assert resources.build_pseudonymizer().private_dir == VOLUMES["miracle_private"]
    assert resources.build_embedder().default_model == "multilingual-e5-small"
    translator = resources.build_translator()
    assert (translator.backend, translator.target_lang, translator.auth_key) == ("llm", "EN-GB", None)  # empty key: unset


def test_ports_agree(compose):
    services = compose["services"]
    [location] = yaml.safe_load((ROOT / "deploy" / "workspace.yaml").read_text())["load_from"]
    grpc = location["grpc_server"]
    assert grpc["host"] == "user_code" and grpc["location_name"] == "miracle"
    assert services["user_code"]["expose"] == [str(grpc["port"])] == ["4000"]
    cmd = json.loads(_dockerfile().cmd)  # the code server's port is the image's CMD
    assert cmd[cmd.index("-p") + 1] == str(grpc["port"])
    assert str(grpc["port"]) in _dockerfile().structure_values("EXPOSE")

    [published] = services["webserver"]["ports"]
    assert published == "127.0.0.1:3000:3000"  # the UI binds to this host only unless .env says otherwise
    raw = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    exposed = interpolate(raw, {**SECRETS, "DAGSTER_WEB_HOST": "0.0.0.0"})
    assert exposed["services"]["webserver"]["ports"] == ["0.0.0.0:3000:3000"]
    assert services["webserver"]["entrypoint"][services["webserver"]["entrypoint"].index("-p") + 1] == "3000"
    assert not [name for name, service in services.items() if service.get("ports") and name != "webserver"]

    env = _env(services["user_code"])
    qdrant = urlparse(env["MIRACLE_QDRANT_URL"])
    assert (qdrant.hostname, str(qdrant.port)) == ("qdrant", "6333") and services["qdrant"]["expose"] == ["6333"]
    llm = urlparse(env["MIRACLE_LLM_BASE_URL"])
    vllm = services["vllm"]
    assert (llm.hostname, str(llm.port), llm.path) == ("vllm", "8000", "/v1") and vllm["expose"] == ["8000"]
    assert vllm["command"][vllm["command"].index("--port") + 1] == "8000"


def test_vllm_serves_the_configured_model_on_a_reserved_gpu(compose):
    vllm = compose["services"]["vllm"]
    assert vllm["entrypoint"] == ["vllm", "serve"] and vllm["command"][0] == SECRETS["VLLM_MODEL"]
    served = vllm["command"][vllm["command"].index("--served-model-name") + 1]
    assert served == _env(compose["services"]["user_code"])["MIRACLE_LLM_MODEL"] == SECRETS["MIRACLE_LLM_MODEL"]
    assert _env(vllm)["VLLM_API_KEY"] == _env(compose["services"]["user_code"])["MIRACLE_LLM_API_KEY"]
    [device] = vllm["deploy"]["resources"]["reservations"]["devices"]
    assert device["driver"] == "nvidia" and device["capabilities"] == ["gpu"]
    assert device["count"] == vllm["command"][vllm["command"].index("--tensor-parallel-size") + 1] == "1"
    assert _env(compose["services"]["qdrant"])["QDRANT__SERVICE__API_KEY"] == SECRETS["MIRACLE_QDRANT_API_KEY"]


def test_private_volume_is_mounted_only_where_runs_execute(compose):
    services, volumes = compose["services"], compose["volumes"]
    mounts = {name: _mounts(service) for name, service in services.items()}
    assert [name for name, m in mounts.items() if "miracle_private" in m] == ["user_code"]
    assert not set(mounts["webserver"]) & set(volumes), "the UI mounts no named volume"
    assert not set(mounts["daemon"]) & set(volumes)
    user_code = _env(services["user_code"])
    env_of = {
        "miracle_data": "MIRACLE_HOME",
        "miracle_models": "MIRACLE_MODELS_DIR",
        "miracle_private": "MIRACLE_PRIVATE_DIR",
    }
    for volume, path in VOLUMES.items():
        assert mounts["user_code"][volume] == path == user_code[env_of[volume]]
    source = mounts["user_code"]["miracle_source"]
    assert source == VOLUMES_READ_ONLY["miracle_source"] == user_code["MIRACLE_SOURCE_DIR"]
    for volume in {**VOLUMES, **VOLUMES_READ_ONLY}:
        assert volumes[volume]["name"] == volume  # fixed names, so the Docker launcher can mount them by name
    assert _mounts_of_user_code_with_modes() == {
        **{name: [path, "rw"] for name, path in VOLUMES.items()},
        **{name: [path, "ro"] for name, path in VOLUMES_READ_ONLY.items()},
    }
    for name in ("webserver", "daemon"):  # no data secrets where no run executes
        assert not [var for var in _env(services[name]) if not var.startswith("DAGSTER_POSTGRES_")], name
    assert compose["networks"]["default"]["name"] == COMPOSE.network


def test_dagster_services_run_installed_commands(compose):
    scripts = {ep.name for ep in importlib.metadata.entry_points(group="console_scripts")}
    for name in ("webserver", "daemon"):
        assert compose["services"][name]["entrypoint"][0] in scripts
        assert "/opt/dagster/workspace.yaml" in compose["services"][name]["entrypoint"]
        assert "./deploy/workspace.yaml" in _mounts(compose["services"][name])
    for name in ("webserver", "daemon", "user_code"):
        assert _mounts(compose["services"][name])["./deploy/dagster.yaml"] == f"{deployment.DAGSTER_HOME}/dagster.yaml"
    assert json.loads(_dockerfile().cmd)[0] in scripts


# --- deploy/dagster.yaml and the instance config objects ---------------------------------------------------------


def _load(path: Path) -> dict:
    return yaml.safe_load(path.read_text())


def test_committed_instance_is_the_rendered_one(tmp_path):
    written = deployment.write_deploy_instance(tmp_path / "dagster.yaml")
    assert written.read_text() == (ROOT / "deploy" / "dagster.yaml").read_text()
    assert _load(ROOT / "deploy" / "dagster.yaml") == COMPOSE.to_dict()


def test_deploy_instance_passes_dagsters_config_schema(tmp_path):
    from dagster._core.instance.config import dagster_instance_config

    shutil.copy(ROOT / "deploy" / "dagster.yaml", tmp_path / "dagster.yaml")
    config, _ = dagster_instance_config(str(tmp_path))
    assert config["storage"]["postgres"]["postgres_db"]["password"] == {"env": "DAGSTER_POSTGRES_PASSWORD"}
    broken = _load(tmp_path / "dagster.yaml")
    broken["storage"]["postgres"]["postgres_db"]["port"] = "five"
    (tmp_path / "dagster.yaml").write_text(yaml.safe_dump(broken))
    with pytest.raises(dg.DagsterInvalidConfigError):
        dagster_instance_config(str(tmp_path))


def _instance_with_sqlite(config: dict, home: Path) -> dg.DagsterInstance:
    """The instance Dagster builds from `config`, storage swapped for SQLite (no Postgres here)."""
    home.mkdir(parents=True, exist_ok=True)
    (home / "dagster.yaml").write_text(yaml.safe_dump({k: v for k, v in config.items() if k != "storage"}))
    return dg.DagsterInstance.from_config(str(home))


def test_deploy_instance_queues_like_the_local_one(tmp_path):
    from dagster._core.launcher import DefaultRunLauncher
    from dagster._core.run_coordinator import QueuedRunCoordinator

    local = _load(ROOT / "dagster.yaml")
    deploy = _load(ROOT / "deploy" / "dagster.yaml")
    assert deploy["run_coordinator"] == local["run_coordinator"] and deploy["concurrency"] == local["concurrency"]
    limits = {(x["key"], x.get("value"), x["limit"]) for x in local["concurrency"]["runs"]["tag_concurrency_limits"]}
    services = {("miracle/service", name, n) for name, n in deployment.SERVICE_LIMITS.items()}
    assert limits == services | {(deployment.GPU_TAG, None, deployment.GPU_RUNS)} and {"llm", "deepl"} <= set(deployment.SERVICE_LIMITS)
    # sqlite (local) renders the local file, plus the launcher it uses implicitly
    assert InstanceConfig().to_dict() == {**local, "run_launcher": deploy["run_launcher"]}
    with (
        _instance_with_sqlite(deploy, tmp_path / "deploy") as instance,
        _instance_with_sqlite(local, tmp_path / "local") as ref,
    ):
        assert isinstance(instance.run_coordinator, QueuedRunCoordinator)
        assert isinstance(instance.run_launcher, DefaultRunLauncher)
        settings, expected = instance.get_concurrency_config(), ref.get_concurrency_config()
        assert settings.run_queue_config == expected.run_queue_config
        assert settings.run_queue_config.max_concurrent_runs == 4
        assert settings.pool_config == expected.pool_config


@pytest.mark.parametrize("storage", deployment.STORAGES)
@pytest.mark.parametrize("launcher", deployment.RUN_LAUNCHERS)
def test_storage_and_launcher_are_swappable(storage, launcher, tmp_path):
    from dagster._config import validate_config
    from dagster._core.instance.config import dagster_instance_config

    if storage == "sqlite" and launcher != "default":
        with pytest.raises(ValueError, match="postgres"):
            InstanceConfig(storage=storage, run_launcher=launcher)
        return
    config = InstanceConfig(storage=storage, run_launcher=launcher)
    (tmp_path / "dagster.yaml").write_text(config.to_yaml())
    validated, _ = dagster_instance_config(str(tmp_path))
    assert ("storage" in validated) == (storage == "postgres")
    assert validated["concurrency"] == COMPOSE.to_dict()["concurrency"]
    section = validated["run_launcher"]
    if launcher == "docker":
        assert section["config"]["env_vars"] == list(RUN_ENV) and section["config"]["network"] == "miracle"
        mounts = {v.split(":")[0]: v.split(":")[1:] for v in section["config"]["container_kwargs"]["volumes"]}
        assert mounts == _mounts_of_user_code_with_modes()
    if launcher == "k8s":
        mounts = {m["mount_path"]: m["read_only"] for m in section["config"]["volume_mounts"]}
        assert mounts == {path: mode == "ro" for path, mode in _mounts_of_user_code_with_modes().values()}
    try:  # the launcher's own schema, where its package is installed (the image's `deploy` extra)
        klass = getattr(importlib.import_module(section["module"]), section["class"])
    except ImportError:
        return
    assert validate_config(klass.config_type(), section.get("config", {})).success


def test_instance_config_rejects_unknown_choices():
    with pytest.raises(ValueError):
        InstanceConfig(storage="mysql")
    with pytest.raises(ValueError):
        InstanceConfig(storage="postgres", run_launcher="celery")


def test_data_root_may_be_a_local_folder_or_object_storage(tmp_path):
    from miracle_dagster.resources.storage import ParquetIOManager

    local = DataRootLocation(str(tmp_path / "home"))
    assert not local.is_remote and local.io_manager_config() == {"base_dir": f"{tmp_path}/home/assets"}
    remote = DataRootLocation("s3://hospital-miracle/prod/")
    assert remote.is_remote and remote.assets_dir == "s3://hospital-miracle/prod/assets"
    io_manager = ParquetIOManager(**remote.io_manager_config()).create_io_manager(dg.build_init_resource_context())
    base = io_manager._base_path
    assert base.protocol == "s3" and str(base) == "s3://hospital-miracle/prod/assets"
    for bad in ("ftp://host/data", "s3:///no-bucket"):
        with pytest.raises(ValueError):
            DataRootLocation(bad)


def test_assets_round_trip_through_an_object_store():
    """fsspec's in-memory filesystem stands for S3: same UPath code path, no bucket needed."""
    import pandas as pd

    from miracle_dagster.resources.storage import ParquetIOManager

    @dg.asset
    def upstream() -> pd.DataFrame:
        return pd.DataFrame({"x": [1, 2]})

    @dg.asset
    def downstream(upstream: pd.DataFrame) -> pd.DataFrame:
        return upstream.assign(y=upstream["x"] * 2)

    root = DataRootLocation("memory://bucket/miracle")
    result = dg.materialize([upstream, downstream], resources={"io_manager": ParquetIOManager(**root.io_manager_config())})
    assert result.output_for_node("downstream")["y"].tolist() == [2, 4]
    import fsspec

    assert {f.rsplit("/", 1)[-1] for f in fsspec.filesystem("memory").ls("/bucket/miracle/assets", detail=False)} == {
        "upstream.parquet",
        "downstream.parquet",
    }


# --- Dockerfile, .dockerignore, extras ----------------------------------------------------------------------------


class _Dockerfile:
    """The parsed Dockerfile: base image, CMD, and the values of each instruction (continuation lines joined)."""

    def __init__(self, parser: DockerfileParser):
        self.baseimage, self.cmd, self.structure = parser.baseimage, parser.cmd, parser.structure

    def structure_values(self, instruction: str) -> list[str]:
        return [item["value"] for item in self.structure if item["instruction"] == instruction]


def _dockerfile() -> _Dockerfile:
    return _Dockerfile(DockerfileParser(path=str(ROOT / "Dockerfile"), env_replace=False))


def _pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def test_dockerfile_builds_the_project_as_a_non_root_code_server():
    dockerfile = _dockerfile()
    assert dockerfile.baseimage == "python:3.11-slim"
    users = dockerfile.structure_values("USER")
    assert users and users[-1] not in ("root", "0")
    assert "4000" in dockerfile.structure_values("EXPOSE")
    cmd = json.loads(dockerfile.cmd)
    assert cmd[:3] == ["dagster", "code-server", "start"] and cmd[cmd.index("-h") + 1] == "0.0.0.0"
    module = cmd[cmd.index("-m") + 1]
    assert module == _pyproject()["tool"]["dagster"]["module_name"]
    assert isinstance(importlib.import_module(module).defs, dg.Definitions)


def test_dockerfile_installs_cpu_torch_first_then_the_extras_that_exist():
    runs = _dockerfile().structure_values("RUN")
    pyproject = _pyproject()["project"]
    [torch_pin] = [d for d in pyproject["dependencies"] if d.startswith("torch")]
    torch_step = next(i for i, run in enumerate(runs) if "pip install torch" in run)
    # the CPU wheel unless the build asks for CUDA (docker-compose.gpu.yml)
    assert f'pip install {torch_pin} --index-url "https://download.pytorch.org/whl/${{TORCH_VARIANT}}"' in runs[torch_step]
    assert DockerfileParser(path=str(ROOT / "Dockerfile")).args == {"TORCH_VARIANT": "cpu"}
    project_steps = [i for i, run in enumerate(runs) if re.search(r"pip install [\"']?\.", run)]
    assert project_steps and torch_step < min(project_steps)
    extras = {e for run in runs for group in re.findall(r"\.\[([\w,-]+)\]", run) for e in group.split(",")}
    extras |= {e for run in runs for e in re.findall(r"\['optional-dependencies'\]\['([\w-]+)'\]", run)}
    assert extras == {"deploy", "s3"} and extras <= set(pyproject["optional-dependencies"])  # s3: object storage
    # llama.cpp comes as a wheel (xllamacpp): nothing compiles, but it needs the system's OpenMP runtime
    assert not any("CMAKE_ARGS" in run or "build-essential" in run for run in runs)
    assert any(re.search(r"apt-get install .*\blibgomp1\b", run) for run in runs)
    assert "CMAKE_ARGS" not in (ROOT / "Makefile").read_text()


def test_dockerfile_run_lines_are_valid_shell():
    for run in _dockerfile().structure_values("RUN"):
        for shell in ("bash", "dash"):
            if shutil.which(shell):
                result = subprocess.run([shell, "-n", "-c", run], capture_output=True, text=True)
                assert result.returncode == 0, (shell, run, result.stderr)


def test_deploy_extra_matches_the_dagster_release():
    pyproject = _pyproject()["project"]
    [dagster_pin] = [d for d in pyproject["dependencies"] if re.match(r"dagster[><=]", d)]
    minor = int(re.search(r"1\.(\d+)", dagster_pin)[1])
    library = f">=0.{minor + 16},<0.{minor + 17}"  # dagster 1.x <-> libraries 0.(x+16)
    assert pyproject["optional-dependencies"]["deploy"] == [f"dagster-postgres{library}", f"dagster-docker{library}"]


def test_dockerignore_keeps_data_and_secrets_out_of_the_image():
    patterns = [p for p in (ROOT / ".dockerignore").read_text().split() if not p.startswith("#")]
    excluded = [p for p in patterns if not p.startswith("!")]
    for must in (".venv", ".miracle", "private", "**/private", ".env", ".pytest_cache"):
        assert must in excluded, must
    copied = [src for value in _dockerfile().structure_values("COPY") for src in value.split()[:-1]]
    assert set(copied) == {"pyproject.toml", "README.md", "miracle_dagster"}
    for source in copied:
        assert (ROOT / source).exists(), source
        assert not [p for p in excluded if Path(source).match(p.replace("**/", ""))], source


def test_local_instance_and_workspace_are_unchanged():
    [location] = _load(ROOT / "workspace.yaml")["load_from"]
    assert location["python_module"]["module_name"] == "miracle_dagster.definitions"
    assert "storage" not in _load(ROOT / "dagster.yaml")  # SQLite under DAGSTER_HOME on one machine


# --- no PHI in logs -----------------------------------------------------------------------------------------------


def test_no_phi_in_logs_of_a_pipeline_run(tmp_path, models_dir, caplog, capfd):
    """Everything a run writes where operators look: Python logging at DEBUG, the console, Dagster's event log
    (the UI's run view) and the materialization / check metadata (the UI's asset view)."""
    from miracle_dagster.assets import ingest_assets, pseudonymized_sections
    from miracle_dagster.core.sample_corpus import generate_corpus, write_sample_source
    from miracle_dagster.partitions import partition_key
    from miracle_dagster.resources.embedder import EmbeddingModels
    from miracle_dagster.resources.pseudonymizer import Pseudonymizer
    from miracle_dagster.resources.source import ReportSource
    from miracle_dagster.resources.storage import DataRoot, ParquetIOManager

    corpus = generate_corpus(n_patients=6, seed=5)
    write_sample_source(tmp_path / "source", corpus, bad_rows=True)
    resources = {
        "io_manager": ParquetIOManager(base_dir=str(tmp_path / "assets")),
        "data_root": DataRoot(path=str(tmp_path)),
        "source": ReportSource(folder=str(tmp_path / "source")),
        "embedder": EmbeddingModels(models_dir=str(models_dir)),
        "pseudonymizer": Pseudonymizer(secret=SECRETS["MIRACLE_PSEUDONYM_SECRET"], private_dir=str(tmp_path / "private")),
    }
    partitions = Counter((d["specialty"], d["date"][:4]) for d in corpus.documents).most_common(3)
    caplog.set_level(logging.DEBUG)
    shown, raw = [], []
    with dg.DagsterInstance.ephemeral() as instance:
        for (specialty, year), _ in partitions:
            result = dg.materialize(
                [*ingest_assets, pseudonymized_sections],
                partition_key=str(partition_key(specialty, year)),
                resources=resources,
                instance=instance,
            )
            assert result.success
            entries = instance.all_logs(result.run_id)
            assert "STEP_SUCCESS" in {entry.dagster_event_type for entry in entries if entry.dagster_event}
            shown += [entry.user_message for entry in entries]
            shown += [entry.dagster_event.message or "" for entry in entries if entry.dagster_event]
            metadata = [e.materialization.metadata for e in result.get_asset_materialization_events()]
            metadata += [c.metadata for c in result.get_asset_check_evaluations()]
            shown += [f"{key}: {value.value}" for meta in metadata for key, value in meta.items()]
            raw += list(result.output_for_node("ingest_reports", "raw_reports")["text"])
    shown += [record.getMessage() for record in caplog.records]
    console = capfd.readouterr()
    shown += [console.out, console.err]
    assert len(shown) > 100 and "STEP_START" in console.err  # Dagster's DEBUG console output was captured

    phi_types = ("PATIENT_NAME", "BIRTH_DATE", "STREET", "PHONE", "INSURANCE_ID")
    values = {span["text"] for span in corpus.phi_spans if span["type"] in phi_types and len(span["text"]) >= 5}
    text, raw_text = "\n".join(shown), "\n".join(raw)
    assert len([v for v in values if v in raw_text]) >= 20  # the runs did read PHI: its absence below means something
    leaked = sorted(v for v in values if v in text)
    assert not leaked, f"{len(leaked)} PHI values in logs or metadata"


# --- GPUs: the device setting, job tags, the Docker launcher's reservation ------------------------------------------


def test_device_setting_takes_a_gpu_only_where_torch_sees_one(monkeypatch):
    import torch

    from miracle_dagster.core import settings

    monkeypatch.setenv("MIRACLE_DEVICE", "auto")
    assert settings.device() == ("cuda" if torch.cuda.is_available() else "cpu")
    monkeypatch.setenv("MIRACLE_DEVICE", "CPU")
    assert settings.device() == "cpu" and not settings.gpu_requested()
    monkeypatch.setenv("MIRACLE_DEVICE", "gpu")
    with pytest.raises(ValueError, match="auto, cpu, cuda or cuda:N"):
        settings.device()
    monkeypatch.setenv("MIRACLE_DEVICE", "cuda:1")
    assert settings.gpu_requested()
    if not torch.cuda.is_available():  # asked for CUDA where there is none: an error, not a days-long CPU run
        with pytest.raises(ValueError, match="sees no CUDA device"):
            settings.device()
    monkeypatch.setenv("MIRACLE_TRAIN_PROCESSES", "two")
    with pytest.raises(ValueError, match="number of processes"):
        settings.train_processes()


def test_jobs_that_embed_train_or_evaluate_reserve_gpus_when_cuda_is_asked_for(monkeypatch):
    import miracle_dagster.definitions as definitions

    def tags() -> dict[str, dict]:
        return {job.name: job.tags for job in importlib.reload(definitions).defs.jobs}

    try:
        assert not any(deployment.GPU_TAG in t for t in tags().values())  # the default: no reservation anywhere
        monkeypatch.setenv("MIRACLE_DEVICE", "cuda")
        monkeypatch.setenv("MIRACLE_TRAIN_PROCESSES", "4")
        gpus = {name: t.get(deployment.GPU_TAG) for name, t in tags().items()}
        assert gpus["training_job"] == "4" and gpus["ingest_job"] == gpus["ir_evaluation_job"] == gpus["rag_evaluation_job"] == "1"
        assert gpus["qa_job"] is None and gpus["translation_job"] is None  # the LLM and DeepL do their work elsewhere
        k8s = json.loads(tags()["training_job"]["dagster-k8s/config"])
        assert k8s["container_config"]["resources"]["limits"] == {"nvidia.com/gpu": "4"}
        # the nightly schedule's runs (and the sensor's, built the same way) ask for a GPU too
        from miracle_dagster.schedules import nightly_ingest_schedule

        now = dt.datetime.now(dt.timezone.utc)
        requests = nightly_ingest_schedule(dg.build_schedule_context(scheduled_execution_time=now))
        assert requests and all(r.tags[deployment.GPU_TAG] == "1" for r in requests)
        # and GPU runs take turns in the run queue: Docker gives every run the same first cards
        limits = InstanceConfig(storage="postgres").to_dict()["concurrency"]["runs"]["tag_concurrency_limits"]
        assert {"key": deployment.GPU_TAG, "limit": deployment.GPU_RUNS} in limits
    finally:
        monkeypatch.undo()
        importlib.reload(definitions)


def test_docker_launcher_reserves_the_tagged_gpus_for_a_run():
    docker_types = pytest.importorskip("docker.types")
    from dagster._core.storage.dagster_run import DagsterRun

    from miracle_dagster.docker_launcher import GpuDockerRunLauncher

    section = InstanceConfig(storage="postgres", run_launcher="docker").to_dict()["run_launcher"]
    assert (section["module"], section["class"]) == ("miracle_dagster.docker_launcher", "GpuDockerRunLauncher")
    launcher = GpuDockerRunLauncher(**section["config"])

    def kwargs(tags: dict) -> dict:
        return launcher.get_container_context(DagsterRun(job_name="training_job", run_id="r1", tags=tags)).container_kwargs

    assert "device_requests" not in kwargs({}) and "device_requests" not in kwargs({deployment.GPU_TAG: "0"})
    tagged = kwargs({deployment.GPU_TAG: "2"})
    assert tagged["volumes"] == section["config"]["container_kwargs"]["volumes"]  # the launcher's own kwargs stay
    assert tagged["shm_size"] == "8g"  # NCCL between the run's GPUs
    # what docker-py sends to the engine: `docker run --gpus 2`
    host = docker_types.HostConfig(version="1.44", device_requests=tagged["device_requests"])
    assert host["DeviceRequests"] == [{"Driver": "nvidia", "Count": 2, "DeviceIDs": [], "Capabilities": [["gpu"]], "Options": {}}]
    assert kwargs({deployment.GPU_TAG: "all"})["device_requests"][0]["count"] == -1
    with pytest.raises(ValueError, match="number of GPUs"):
        kwargs({deployment.GPU_TAG: "many"})
