"""The book's files agree with each other: pins, table of contents, notebooks' first cells."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import pytest
import yaml

from streamlab.runtime import colab
from tools.lock import lock_hash, spec_hash
from tools.notebooks import reading_order

REPO = Path(__file__).resolve().parents[2]
LOCK = REPO / "requirements.lock"

NOTEBOOKS = sorted(
    p
    for d in ("chapters", "labs")
    for p in (REPO / d).rglob("*.ipynb")
    if ".ipynb_checkpoints" not in p.parts
)


def pyproject_pins() -> list[str]:
    return tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["dependencies"]


def pyproject_extras() -> list[str]:
    extras = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    return [r for group in extras.get("optional-dependencies", {}).values() for r in group]


def test_every_dependency_is_pinned_exactly():
    for requirement in pyproject_pins() + pyproject_extras():
        assert re.fullmatch(r"[A-Za-z0-9_.\-\[\]]+==[0-9][0-9A-Za-z.]*", requirement), requirement


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def lock_entries() -> dict[str, tuple[str, list[str]]]:
    """Each package of requirements.lock: its normalized name -> (version, its option lines).

    A package pinned at two versions for two sets of platforms or Pythons (the lock is
    universal) appears once per environment marker, as "name ; marker".
    """
    entries: dict[str, tuple[str, list[str]]] = {}
    name = None
    for line in LOCK.read_text().splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if not line[0].isspace():
            match = re.fullmatch(r"([A-Za-z0-9_.\-]+)==(\S+?)(?: ; (.+?))?( \\)?", line)
            assert match, f"not a pinned requirement: {line!r}"
            name = canonical(match.group(1))
            if match.group(3):
                name = f"{name} ; {match.group(3)}"
            assert name not in entries, f"{name} twice in the lock"
            entries[name] = (match.group(2), [])
        else:
            assert name is not None, line
            entries[name][1].append(line.strip().removesuffix("\\").strip())
    return entries


def test_lock_is_current():
    """requirements.lock was made from today's pyproject.toml: run `make lock` when this fails."""
    assert lock_hash(LOCK) is not None, "requirements.lock has no pyproject-sha256 header"
    assert lock_hash(LOCK) == spec_hash(REPO / "pyproject.toml"), "stale lock: run `make lock`"


def test_lock_has_every_top_level_pin():
    entries = lock_entries()
    for requirement in pyproject_pins() + pyproject_extras():
        name, version = requirement.split("==")
        name = canonical(name.split("[")[0])
        assert name in entries, f"{name} is not in requirements.lock"
        assert entries[name][0] == version, f"{name}: lock {entries[name][0]}, pyproject {version}"


def test_lock_has_hashes_and_no_local_paths():
    entries = lock_entries()
    assert len(entries) > 100, "the lock holds every package, transitive ones included"
    for name, (_, options) in entries.items():
        assert any(o.startswith("--hash=sha256:") for o in options), f"{name} has no hash"
        for option in options:
            assert re.fullmatch(r"--hash=sha256:[0-9a-f]{64}", option), f"{name}: {option}"
    text = LOCK.read_text()
    for local in ("file:", "/opt/", "/tmp/", "/work/", "--find-links"):
        assert local not in text, f"requirements.lock mentions a local path: {local!r}"


def test_environment_yml_installs_the_lock():
    env = yaml.safe_load((REPO / "environment.yml").read_text())
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict) and "pip" in d)
    conda = [d for d in env["dependencies"] if isinstance(d, str)]
    assert pip == ["-r requirements.lock"]
    assert "openjdk=17" in conda
    assert any(d.startswith("python=3.11") for d in conda)


def test_pandas_stays_below_3():
    pandas = next(p for p in pyproject_pins() if p.startswith("pandas=="))
    assert pandas.split("==")[1].startswith("2.")


def toc_files() -> set[str]:
    return set(reading_order())


def test_every_page_and_notebook_is_in_the_toc():
    pages = {
        str(p.relative_to(REPO).with_suffix(""))
        for d in ("chapters", "labs")
        for p in (REPO / d).rglob("*")
        if p.suffix in {".ipynb", ".md"} and ".ipynb_checkpoints" not in p.parts
    }
    assert pages, "no pages found"
    assert pages <= toc_files(), f"missing from _toc.yml: {sorted(pages - toc_files())}"
    for entry in toc_files():
        assert any((REPO / f"{entry}{s}").exists() for s in (".ipynb", ".md")), entry


def test_repository_url_is_the_same_everywhere():
    config = yaml.safe_load((REPO / "_config.yml").read_text())
    assert config["repository"]["url"] == colab.REPOSITORY_URL
    assert config["execute"]["execute_notebooks"] == "off"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_rules(path):
    nb = json.loads(path.read_text())
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    first = "".join(code[0]["source"])
    assert first.startswith("# Colab only"), "the first code cell is the Colab cell"
    assert code[0]["metadata"].get("tags") == ["remove-cell"], "the website hides it"
    assert colab.REPOSITORY_URL in first and colab.COLAB_CLONE in first
    assert "from streamlab.runtime.colab import prepare" in first
    assert nb["cells"][0]["cell_type"] == "markdown" and "".join(
        nb["cells"][0]["source"]
    ).startswith("# "), "a notebook opens with its title"
    assert any(c.get("outputs") for c in code), "outputs are stored"
    for cell in code:
        source = "".join(cell["source"])
        assert not re.search(r"awaitTermination\(\s*\)", source), "every wait has a timeout"
        # an exercise's starter cell is added by hand, prints nothing and has no output to keep
        starter = "starter" in cell["metadata"].get("tags", [])
        assert cell.get("execution_count") is not None or not source.strip() or starter, "executed"
        for out in cell.get("outputs", []):
            assert out["output_type"] != "error", f"stored error: {out.get('ename')}"
            text = "".join(out.get("text", ""))
            assert "WARN" not in text and "log4j" not in text, "JVM noise in a cell"
        assert "execution" not in cell.get("metadata", {}), "timestamps are not stored"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_widget_stills_carry_alt_text_and_the_live_note(path):
    """A widget's still says what it shows; its caption says how the website's widget works
    (every setting drawn in advance) or, for a kernel-only widget, how to go live."""
    from streamlab.widgets import LIVE_NOTE, SITE_NOTE
    from tools.site.widget_frames import declaration_of

    nb = json.loads(path.read_text())
    for cell in nb["cells"]:
        if cell["cell_type"] == "code" and "explore(" in "".join(cell["source"]):
            mystnb = cell["metadata"].get("mystnb", {})
            assert len(mystnb.get("image", {}).get("alt", "")) > 20, "the still needs alt text"
            caption = mystnb.get("figure", {}).get("caption")
            declared = declaration_of(cell)
            assert declared is not None, "no widget declaration in the output: run make execute"
            if declared.get("kernel_only"):
                assert caption == LIVE_NOTE, "a kernel-only widget's caption: LIVE_NOTE"
            elif declared.get("site_draw"):  # another draw on the site: the caption says which
                assert caption.startswith(SITE_NOTE.split(",")[0]) and "model" in caption
            else:
                assert caption == SITE_NOTE, "a widget that moves on the website: SITE_NOTE"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_nbval_markers_are_exact_and_explained(path):
    """nbval only honours a marker alone on its line; the next line says why it is there."""
    nb = json.loads(path.read_text())
    for cell in nb["cells"]:
        lines = "".join(cell["source"]).splitlines()
        for number, line in enumerate(lines):
            if "NBVAL" in line:
                assert re.fullmatch(r"# NBVAL_(IGNORE_OUTPUT|SKIP|CHECK_OUTPUT)", line), line
                assert number + 1 < len(lines) and lines[number + 1].startswith("# ("), line


def test_make_lab_starts_as_root_only_with_allow_root():
    """Jupyter refuses root without --allow-root; it is passed for root and no one else."""
    from tools.lab import REPO, lab_command

    as_root = lab_command(REPO, euid=0)
    as_user = lab_command(REPO, euid=1000)
    assert "--allow-root" in as_root
    assert "--allow-root" not in as_user
    assert as_user == [a for a in as_root if a != "--allow-root"]
    assert "--ip=127.0.0.1" in as_user
    assert f"--ServerApp.root_dir={REPO}" in as_user


def test_make_lab_command_is_one_jupyter_knows():
    """The options exist: Jupyter parses them (--help-all lists every one it accepts)."""
    import subprocess
    import sys

    out = subprocess.run(
        [sys.executable, "-m", "jupyter", "lab", "--help-all"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    for option in ("--allow-root", "--ip", "--ServerApp.root_dir"):
        assert option in out
