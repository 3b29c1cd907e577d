"""Chapter 10b's figure of a topic: a box per record at its offset, a row per partition."""

from __future__ import annotations

from matplotlib.patches import Rectangle

from streamlab.figures.kafka import partition_logs


def test_a_box_per_record_at_its_offset_labelled_with_its_key():
    records = [(0, 0, "u01"), (0, 1, "u05"), (0, 2, "u01"), (2, 0, "u07")]
    fig = partition_logs(records, "impressions")
    (ax,) = fig.axes
    boxes = [p for p in ax.patches if isinstance(p, Rectangle)]
    assert sorted((round(b.get_x()), round(b.get_y() + 0.35)) for b in boxes) == [
        (0, 0), (0, 1), (1, 0), (2, 0)
    ]  # fmt: skip
    labels = [t.get_text() for t in ax.texts]
    assert sorted(label for label in labels if label.startswith("u")) == [
        "u01", "u01", "u05", "u07"
    ]  # fmt: skip
    assert "next offset 3" in labels and "next offset 1" in labels
    assert [t.get_text() for t in ax.get_yticklabels()] == ["partition 0", "partition 2"]
    assert ax.get_title() == "Topic impressions: 4 records in 2 partitions, 3 keys"
    assert "offset" in ax.get_xlabel()
    colour = {t.get_text(): b.get_facecolor() for t, b in zip(ax.texts, boxes, strict=False)}
    assert colour["u01"] != colour["u05"]  # keys told apart by colour too
