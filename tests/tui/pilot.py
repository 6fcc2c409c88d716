"""Helpers for driving the app with Pilot."""

from __future__ import annotations


async def settle(pilot) -> None:
    """Wait for every worker (open, trace load, browser rows) and the redraw after it."""
    for _ in range(5):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
    await pilot.pause(0.15)  # let the debounced detail and plot redraw run
