"""rendering: stage package."""
