"""Selecting sentences and exporting them from the explorer (mixed into the app).

The app owns the state (``selection``, ``range_anchor``, the loaded trace); these
actions change it and hand the chosen sentences to the headless exporter.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from textual import work

from afscope.export.files import safe_file_name
from afscope.export.run import ExportPlan, export_text, export_to
from afscope.export.selection import SelectionError
from afscope.problems import BundleError
from afscope.tui.screens.export_dialog import ExportDialog, ExportRequest

if TYPE_CHECKING:
    from afscope.tui.app import AfscopeApp

    _Base = AfscopeApp
else:
    _Base = object


class SelectionActions(_Base):
    def _selected_positions(self) -> set[int]:
        """Positions marked in the gutter: the selection plus a range being drawn."""
        data = self.data
        if data is None:
            return set()
        marked = {i for i, idx in enumerate(data.indices) if (data.trace_id, idx) in self.selection}
        if self.range_anchor is not None:
            low, high = sorted((self.range_anchor, self.position))
            marked |= set(range(low, high + 1))
        return marked

    def action_toggle_selection(self) -> None:
        if self.data is None or self.data.sentences.height == 0:
            return
        key = (self.data.trace_id, self.data.indices[self.position])
        self.selection.symmetric_difference_update({key})
        self._redraw()

    def action_range_select(self) -> None:
        """First v anchors a range at the cursor; the second adds the range to the selection."""
        if self.data is None or self.data.sentences.height == 0:
            return
        if self.range_anchor is None:
            self.range_anchor = self.position
            self.notify("range: move, then v again to select it (escape cancels)", timeout=3)
        else:
            low, high = sorted((self.range_anchor, self.position))
            self.selection |= {
                (self.data.trace_id, self.data.indices[i]) for i in range(low, high + 1)
            }
            self.range_anchor = None
        self._redraw()

    def action_select_highlighted(self) -> None:
        if self.data is None or self.scores is None:
            return
        chosen = {
            (self.data.trace_id, idx)
            for idx, high in zip(self.data.indices, self.scores.highlighted, strict=True)
            if high
        }
        self.selection |= chosen
        self.notify(f"selected {len(chosen)} high-importance sentences", timeout=2)
        self._redraw()

    def _export_choice(self) -> dict[str, list[int]]:
        """The selection by trace, or the current sentence when nothing is selected."""
        if self.selection:
            choice: dict[str, list[int]] = {}
            for trace_id, idx in sorted(self.selection):
                choice.setdefault(trace_id, []).append(idx)
            return choice
        if self.data is None or self.data.sentences.height == 0:
            return {}
        return {self.data.trace_id: [self.data.indices[self.position]]}

    def action_export(self) -> None:
        choice = self._export_choice()
        if not choice or self.data is None:
            return
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        name = f"{safe_file_name(self.data.trace_id)}-{stamp}.md"
        count = sum(len(v) for v in choice.values())
        summary = (
            f"Export {count} sentence{'s' if count != 1 else ''} from "
            f"{len(choice)} trace{'s' if len(choice) != 1 else ''} to Markdown"
        )

        def chosen(request: ExportRequest | None) -> None:
            if request is not None:
                self._write_export(choice, request)

        self.push_screen(ExportDialog(name, summary), chosen)

    def _plan(self, choice: dict[str, list[int]], context: int) -> ExportPlan:
        assert self.settings is not None
        return ExportPlan(choice, self.settings.outcome, self.settings.metric, context=context)

    @work(thread=True, exclusive=True, group="export", exit_on_error=False)
    def _write_export(self, choice: dict[str, list[int]], request: ExportRequest) -> None:
        assert self.bundle is not None
        try:
            result = export_to(
                self.bundle,
                self._plan(choice, request.context),
                request.path,
                source=str(self.source_path or self.bundle.root),
                inputs=[self.source_path],
                force=True,  # the dialog asked before overwriting
            )
        except (OSError, SelectionError, BundleError) as exc:
            self.call_from_thread(
                self.notify, f"export failed: {exc}", severity="error", markup=False, timeout=8
            )
            return
        self.call_from_thread(
            self.notify, f"exported {result.sentences} sentences to {request.path}", markup=False
        )

    def action_copy(self) -> None:
        choice = self._export_choice()
        if not choice:
            return
        assert self.bundle is not None
        try:
            result = export_text(
                self.bundle, self._plan(choice, 0), source=str(self.source_path or self.bundle.root)
            )
            text, count = result.text, result.sentences
        except (SelectionError, BundleError) as exc:
            self.notify(f"copy failed: {exc}", severity="error", markup=False)
            return
        self.copy_to_clipboard(text)
        self.last_copied = text
        self.notify(f"copied {count} sentences as Markdown (OSC 52)", timeout=3)
