"""The Textual explorer. It only draws models from ``afscope.explore`` and routes keys."""
