"""outputs: stage package."""
