"""Route modules: health, JSON API (search, documents, batches, admin) and the web UI."""
