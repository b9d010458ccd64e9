"""reading: stage package."""
