"""The test set-up itself: `make test` relies on pytest-xdist keeping each file (and each shared world) on one
worker, so module and session fixtures are built once. pytest 9.2 silently broke that grouping
(pytest-dev/pytest-xdist#1386): every module fixture was built on both workers at once."""

import os

import pytest


@pytest.mark.skipif(os.environ.get("PYTEST_XDIST_WORKER") is None, reason="not running under pytest-xdist")
def test_xdist_groups_this_file_on_one_worker(request, pytestconfig):
    if not getattr(pytestconfig.option, "loadgroup", False):  # set on the workers from --dist
        pytest.skip("pytest-xdist runs without --dist loadgroup")
    assert request.node.nodeid.endswith("@tests/test_suite_setup.py"), request.node.nodeid


@pytest.mark.skipif(os.environ.get("PYTEST_XDIST_WORKER") is None, reason="not running under pytest-xdist")
def test_xdist_keeps_the_longest_first_order(pytestconfig):
    """By default xdist hands out groups sorted by their number of tests, which ignores conftest's order: the demo,
    the UI backfill and the LLM server tests (few tests, minutes each) then ran at the end: the last 8% of the tests
    took about 8 minutes."""
    assert pytestconfig.option.loadscopereorder is False, "run pytest with --no-loadscope-reorder (see Makefile)"


def test_the_groups_scheduled_first_still_exist():
    """A renamed test file would silently drop out of the longest-first order."""
    from pathlib import Path

    import conftest

    root = Path(__file__).resolve().parents[1]
    missing = [g for g in conftest._LONGEST_FIRST if g not in conftest._SHARED.values() and not (root / g).is_file()]
    assert not missing


@pytest.mark.skipif(os.environ.get("PYTEST_XDIST_WORKER") is None, reason="not running under pytest-xdist")
def test_each_worker_takes_its_share_of_the_cores():
    import torch

    share = max(1, len(os.sched_getaffinity(0)) // int(os.environ["PYTEST_XDIST_WORKER_COUNT"]))
    assert torch.get_num_threads() == int(os.environ.get("OMP_NUM_THREADS", share))
    assert os.environ["OMP_NUM_THREADS"] == os.environ["MKL_NUM_THREADS"]
