"""Every `miracle` command turns a user's mistake (a missing file, an unknown model, a bad value, no server) into one
line on stderr and exit code 2, never a traceback; `miracle --verbose` shows the traceback."""

import pytest

from miracle_dagster.cli import main

MISTAKES = {  # command line -> what the one line says
    "demo": (["demo", "--patients", "x"], "'x' is not a valid integer"),
    "provision-models": (["provision-models", "no-such-model"], "miracle provision-models: unknown model 'no-such-model'"),
    "sample-corpus": (["sample-corpus", "--format", "xml"], "'xml' is not one of"),
    "search": (["search", "Pneumonie", "--model", "no-such-model"], "miracle search: unknown model 'no-such-model'"),
    "generate-qa": (["generate-qa", "{tmp}/missing.jsonl", "{tmp}/out.jsonl"], "does not exist"),
    "pseudonymize": (["pseudonymize", "{tmp}/missing.jsonl", "{tmp}/out.jsonl"], "does not exist"),
    "translate": (
        ["translate", "{tmp}/texts.jsonl", "{tmp}/out.jsonl", "--backend", "deepl"],
        "miracle translate: the deepl backend needs",
    ),
    "export-model": (["export-model", "de_pseudonymized", "{tmp}/export"], "miracle export-model: no fine-tuned model"),
    "serve-llm": (["serve-llm", "--model", "{tmp}/none.gguf"], "miracle serve-llm: local LLM"),
    "ir-eval": (["ir-eval", "--model", "bm25"], "miracle ir-eval: give --corpus, --queries and --qrels"),
    "finetune": (
        ["finetune", "--pairs", "{tmp}/texts.jsonl", "--out", "{tmp}/model"],
        "texts.jsonl: no usable training pair among 1 lines (rejected: {'missing_query': 1})",
    ),
    "icd": (["icd"], "give TEXT or --input FILE"),
    "icd-train": (["icd-train", "--chapter", "99"], "miracle icd-train: chapters are numbers 1-22 (e.g. 03), got '99'"),
    "index": (["index", "rollback", "nothing"], "miracle index: no alias 'nothing'"),
}


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("MIRACLE_HOME", str(tmp_path))
    monkeypatch.delenv("DEEPL_AUTH_KEY", raising=False)
    (tmp_path / "texts.jsonl").write_text('{"id": "1", "text": "Befund unauffällig."}\n')
    return tmp_path


@pytest.mark.parametrize("command", sorted(MISTAKES))
def test_a_mistake_is_one_line_and_exit_code_2(command, home, capsys):
    argv, says = MISTAKES[command]
    assert main([arg.format(tmp=home) for arg in argv]) == 2
    err = capsys.readouterr().err
    assert says in err and "Traceback" not in err


def test_every_command_is_covered():
    from miracle_dagster.cli import miracle

    assert set(miracle.commands) == set(MISTAKES)


def test_verbose_shows_the_traceback(home):
    with pytest.raises(ValueError, match="unknown model 'no-such-model'"):
        main(["--verbose", "provision-models", "no-such-model"])


def test_data_root_option_is_where_commands_read_and_write(tmp_path, monkeypatch):
    monkeypatch.setenv("MIRACLE_HOME", str(tmp_path / "elsewhere"))  # restored after the test: the option sets it
    assert main(["--data-root", str(tmp_path / "root"), "sample-corpus", "--patients", "1"]) == 0
    assert (tmp_path / "root" / "sample_source" / "_meta" / "manifest.json").is_file() and not (tmp_path / "elsewhere").exists()
