"""The JVM's own output in a file per kernel (streamlab/runtime/jvm_output.py): a JVM started
inside `jvm_output_to_file` writes there, this process's output is its own again afterwards, and
`jvm_problems` finds an OutOfMemoryError or a full code cache with its line number."""

from __future__ import annotations

import os
import subprocess

from streamlab.runtime.jvm_output import (
    JVM_OUTPUT_DIR,
    jvm_output_file,
    jvm_output_to_file,
    jvm_problems,
)

OOM = "class Oom { public static void main(String[] a) { long[][] k = new long[99][];\n" + (
    "for (int i = 0; i < 99; i++) k[i] = new long[1000000]; } }\n"
)


def test_a_jvm_started_inside_writes_its_out_of_memory_error_to_the_file(
    tmp_path, monkeypatch, capfd
):
    monkeypatch.setenv(JVM_OUTPUT_DIR, str(tmp_path / "jvm"))
    source = tmp_path / "Oom.java"
    source.write_text(OOM)
    with jvm_output_to_file() as path:
        java = subprocess.Popen(["java", "-Xmx16m", str(source)])
    os.write(1, b"after\n")  # this process's standard output is its own again
    assert java.wait(timeout=60) != 0
    assert path == jvm_output_file() == tmp_path / "jvm" / f"jvm-{os.getpid()}.log"
    [(number, line)] = jvm_problems(path)
    assert "java.lang.OutOfMemoryError: Java heap space" in line
    assert path.read_text().splitlines()[number - 1] == line
    assert capfd.readouterr().out == "after\n"


def test_without_the_variable_nothing_changes(monkeypatch, tmp_path):
    monkeypatch.delenv(JVM_OUTPUT_DIR, raising=False)
    with jvm_output_to_file() as path:
        assert path is None
    assert jvm_output_file() is None
    assert jvm_problems(tmp_path / "missing.log") == []


def test_the_problems_are_a_full_code_cache_and_an_out_of_memory_error(tmp_path):
    log = tmp_path / "jvm-1.log"
    log.write_text(
        'Setting default log level to "WARN".\n'
        "[18.2s][warning][codecache] CodeCache is full. Compiler has been disabled.\n"
        "CodeCache: size=32768Kb used=31000Kb max_used=32700Kb free=1768Kb\n"
        'Exception in thread "Executor task launch worker" java.lang.OutOfMemoryError: '
        "Java heap space\n"
    )
    assert [number for number, _ in jvm_problems(log)] == [2, 4]
