"""The manifest (dossier.toml): its schema (`schema.py`, every key once with default and doc)
and its loading and validation (`load.py`)."""

from dossier.config.load import load_config
from dossier.config.schema import Config, Edition

__all__ = ["Config", "Edition", "load_config"]
