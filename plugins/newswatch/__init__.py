"""newswatch: news ingestion and cross-outlet comparison. See README.md."""

__version__ = "0.1.0"
