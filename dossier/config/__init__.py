"""config: stage package."""
