"""What the explorer shows, computed without a terminal.

The TUI (``afscope.tui``) only draws these models and routes keys to them, so every
behaviour here is testable headless and reusable by exports and scripts.
"""
