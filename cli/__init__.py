"""The `records` command line."""
