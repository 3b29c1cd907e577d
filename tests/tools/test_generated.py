"""Every file the book generates holds what its generator writes today (tools/generate/): the
lessons, the learner copies, the answer key, the instructor guide's agendas and the handout.

One test per generator; it fails naming each stale file and the command that rewrites it."""

from __future__ import annotations

import pytest

from tools import generate
from tools.paths import REPO, shown


@pytest.mark.parametrize("name", list(generate.GENERATORS))
def test_the_generated_files_are_current(name):
    files = generate.generator(name).render()
    assert files, f"{name} generates nothing"
    assert all(path.is_relative_to(REPO) for path in files), name
    stale = [shown(path) for path in generate.stale(files)]
    assert not stale, f"stale: {stale}: run `python -m tools.generate {name}` (make generated)"


def test_check_names_each_stale_file_and_writes_nothing(tmp_path, capsys):
    current, outdated, missing = tmp_path / "a.md", tmp_path / "b.md", tmp_path / "c" / "d.md"
    current.write_text("a\n", encoding="utf-8")
    outdated.write_text("old\n", encoding="utf-8")
    files = {current: "a\n", outdated: "b\n", missing: "d\n"}
    assert generate.write_or_check(files, "make generated", check=True) == 1
    err = capsys.readouterr().err
    assert f"{outdated} is stale: run `make generated`" in err
    assert f"{missing} is stale" in err and f"{current} is stale" not in err
    assert outdated.read_text(encoding="utf-8") == "old\n" and not missing.exists()
    assert generate.write_or_check(files, "make generated", check=False) == 0
    assert generate.write_or_check(files, "make generated", check=True) == 0
    assert missing.read_text(encoding="utf-8") == "d\n"


def test_an_unknown_generator_is_refused(capsys):
    with pytest.raises(SystemExit):
        generate.main(["--check", "no-such-generator"])
    assert "no generator no-such-generator" in capsys.readouterr().err
