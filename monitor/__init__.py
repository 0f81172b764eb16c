"""govmon 政务新媒体监测: the core — settings, database, registry, pipeline, daemon, CLI."""

__version__ = "0.1.0"
