"""gridlog: a walking log (行走日志) for community grid workers, on SQLite."""

__version__ = "0.1.0"
