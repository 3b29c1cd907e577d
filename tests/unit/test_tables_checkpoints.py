"""The checkpoint listings of chapter 06 (streamlab.tables.checkpoints), on a fake folder."""

from __future__ import annotations

from streamlab.tables.checkpoints import (
    checkpoint_file_kinds,
    checkpoint_tree,
    masked_checkpoint_path,
)


def make(root, *paths):
    for path in paths:
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text("x")


def test_masks_what_differs_from_run_to_run():
    path = "0f8fad5b-d9cb-469f-a165-70867728950e/rdd-57/part-00001"
    assert masked_checkpoint_path(path) == "<uuid>/rdd-<id>/part-<n>"
    assert masked_checkpoint_path("checkpoint-1767268800000") == "checkpoint-<time>"
    assert masked_checkpoint_path("commits/3") == "commits/3"


def test_kinds_leave_out_hidden_checksums(tmp_path):
    make(
        tmp_path,
        "checkpoint-1000",
        "checkpoint-2000",
        ".checkpoint-1000.crc",
        "0f8fad5b-d9cb-469f-a165-70867728950e/rdd-7/part-00000",
        "0f8fad5b-d9cb-469f-a165-70867728950e/rdd-9/.part-00000.crc",
    )
    assert checkpoint_file_kinds(tmp_path) == {"checkpoint-<time>", "<uuid>/rdd-<id>/part-<n>"}


def test_tree_lists_folders_sorted_and_files_in_numeric_order(tmp_path):
    make(tmp_path, "metadata", "commits/10", "commits/2", "commits/.2.crc", "offsets/0")
    (tmp_path / "sources").mkdir()
    assert checkpoint_tree(tmp_path).splitlines() == [
        ".                    metadata",
        "commits              2 10",
        "offsets              0",
        "sources              ",
    ]
