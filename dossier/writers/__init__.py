"""writers: stage package."""
