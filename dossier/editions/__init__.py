"""editions: stage package."""
