"""rep-tui: a keyboard-first terminal app for in-home sales reps."""

__version__ = "0.1.0"
