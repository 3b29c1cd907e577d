"""The copy of reveal.js that the slides use, in _assets/reveal.js (served by the site offline).

The files come from the npm registry's tarball of reveal.js (MIT licence, kept as LICENSE) at the
version and integrity hash recorded in _assets/reveal.js/VENDOR.json, with the SHA-256 of each
file copied. `python -m tools.site.vendor_reveal` fetches the tarball again with `npm pack` (node is
needed only for this), checks its integrity against the record, and checks that every copied
file is byte for byte the registry's (`--update` copies them and rewrites the record, for a new
version: `--update --version X.Y.Z`). The tests check the copied files against the record
without the network (tests/tools/test_slides.py).
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import io
import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

from tools.paths import REPO

TARGET = REPO / "_assets" / "reveal.js"
RECORD = TARGET / "VENDOR.json"
# Only what the slides load: the core, its stylesheet, one theme (its fonts are inlined), the
# speaker notes plugin, and the licence.
FILES = {
    "package/dist/reveal.js": "reveal.js",
    "package/dist/reveal.css": "reveal.css",
    "package/dist/theme/white.css": "theme/white.css",
    "package/dist/plugin/notes.js": "plugin/notes.js",
    "package/LICENSE": "LICENSE",
}


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def integrity(data: bytes) -> str:
    """npm's integrity string of a tarball (Subresource Integrity, SHA-512)."""
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()


def fetch(version: str, folder: Path) -> bytes:
    """The registry's tarball of reveal.js at a version, through `npm pack`."""
    subprocess.run(
        ["npm", "pack", f"reveal.js@{version}", "--silent"],
        cwd=folder,
        check=True,
        capture_output=True,
    )
    return (folder / f"reveal.js-{version}.tgz").read_bytes()


def record() -> dict:
    return json.loads(RECORD.read_text(encoding="utf-8"))


def local_problems() -> list[str]:
    """Copied files that differ from the record (empty when all is well)."""
    problems = []
    for name, digest in record()["files"].items():
        path = TARGET / name
        if not path.exists():
            problems.append(f"{name}: missing")
        elif sha256(path.read_bytes()) != digest:
            problems.append(f"{name}: differs from the registry's file")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--update", action="store_true", help="copy the files, rewrite the record")
    parser.add_argument("--version", help="with --update: the version to vendor")
    args = parser.parse_args(argv)
    old = record() if RECORD.exists() else {}
    version = args.version or old.get("version")
    with tempfile.TemporaryDirectory() as tmp:
        data = fetch(version, Path(tmp))
        got = integrity(data)
        if not args.update and got != old["integrity"]:
            print(f"the registry's tarball has integrity {got}, not {old['integrity']}")
            return 1
        with tarfile.open(fileobj=io.BytesIO(data)) as tar:
            members = {m: tar.extractfile(m).read() for m in FILES}
    if args.update:
        for member, name in FILES.items():
            path = TARGET / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(members[member])
        new = {
            "package": "reveal.js",
            "version": version,
            "licence": "MIT",
            "tarball": f"https://registry.npmjs.org/reveal.js/-/reveal.js-{version}.tgz",
            "integrity": got,
            "files": {name: sha256(members[m]) for m, name in FILES.items()},
        }
        RECORD.write_text(json.dumps(new, indent=1) + "\n", encoding="utf-8")
        print(f"vendored reveal.js {version} into {TARGET.relative_to(REPO)}")
        return 0
    wrong = [n for m, n in FILES.items() if sha256(members[m]) != old["files"].get(n)]
    wrong += local_problems()
    if wrong:
        print("differs from the registry: " + ", ".join(sorted(set(wrong))))
        return 1
    print(f"reveal.js {version}: the tarball's integrity and every copied file check out")
    return 0


if __name__ == "__main__":
    sys.exit(main())
