"""Unit tests mirroring engine/definitions (tests/definitions.py holds the helpers for editing definition trees)."""
