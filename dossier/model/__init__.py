"""model: stage package."""
