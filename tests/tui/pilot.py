"""Helpers for driving the app with Pilot."""

from __future__ import annotations


async def settle(pilot) -> None:
    """Wait for every worker (open, trace load, browser rows) and the redraw after it."""
    for _ in range(5):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
    await pilot.pause(0.15)  # let the debounced detail and plot redraw run


async def steady_browser(pilot) -> None:
    """The trace browser's filter cursor shown and still: its blink (every 0.5 s) must
    not decide a picture taken after a settle that took longer than that."""
    pilot.app.screen.query_one("#browser-filter").cursor_blink = False
    await pilot.pause()
