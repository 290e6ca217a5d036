"""The import preview counts what a newer ACLED export revises, and offers to apply it."""

from pathlib import Path

from sitrep_desktop.io import pipeline
from sitrep_desktop.store import Store
from sitrep_desktop.store.bulk import StoreLookup
from sitrep_desktop.ui.exchange.dialogs import ImportPreviewDialog

HEADER = "event_id_cnty,event_date,event_type,sub_event_type,actor1,location,latitude,longitude,notes,timestamp\n"  # noqa: E501


def acled_file(path: Path, notes: str, stamp: int) -> Path:
    path.write_text(
        HEADER + f"SYR2,2024-12-06,Battles,Armed clash,HTS,Rastan,34.93,36.73,{notes},{stamp}\n",
        encoding="utf-8",
    )
    return path


def test_a_revision_alone_is_something_to_import(qtbot, tmp_path):
    from sitrep_desktop.commands.imports import ImportRecords

    store = Store.memory()
    first = acled_file(tmp_path / "a.csv", "Clash.", 1733500000)
    plan = pipeline.plan_import(pipeline.read_file(first), StoreLookup(store), str(first))
    ImportRecords(plan, str(first)).do(store)
    newer = acled_file(tmp_path / "b.csv", "Clash; corrected.", 1733600000)
    plan = pipeline.plan_import(pipeline.read_file(newer), StoreLookup(store), str(newer))
    dialog = ImportPreviewDialog(newer, plan)
    qtbot.addWidget(dialog)
    assert dialog.import_button.isEnabled()
    assert dialog.summary.text().startswith("1 record(s) will be added or changed")
    assert ("event updated", "1", "") in dialog.problem_rows()
