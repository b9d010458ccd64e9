"""sandbox: stage package."""
