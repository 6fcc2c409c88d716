"""Make the README screenshot with the app itself (Textual's SVG export).

python scripts/screenshot.py [OUT.svg]
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from afscope.sample import sample_bundle_path
from afscope.tui.app import AfscopeApp

OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshot.svg"


async def main(out: Path) -> None:
    app = AfscopeApp(sample_bundle_path())
    async with app.run_test(size=(150, 42)) as pilot:
        for _ in range(5):
            await app.workers.wait_for_complete()
            await pilot.pause()
        out.write_text(app.export_screenshot(title="afscope: synthetic sample"), encoding="utf-8")
    print(out)


if __name__ == "__main__":
    asyncio.run(main(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT))
