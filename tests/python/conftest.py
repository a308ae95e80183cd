"""Fixtures of the Python tests: the repository's benchmark and the naskit CLI of this build."""
import os
import pathlib

import pytest

SOURCE_DIR = pathlib.Path(__file__).resolve().parents[2]
BUILD_DIR = pathlib.Path(os.environ.get("NASKIT_BUILD_DIR", SOURCE_DIR / "build"))


@pytest.fixture(scope="session")
def nb201():
    import naskit
    return naskit.open_benchmark(str(SOURCE_DIR / "benchmarks_data" / "nb201.h5"))


@pytest.fixture(scope="session")
def cli():
    return str(BUILD_DIR / "naskit")
