"""The HTTP API and web UI (`records serve`): FastAPI app, routes, Jinja2 templates and a little JavaScript.

`create_app(settings)` in `search_api.app` builds the application; `search_api.testing.LiveServer` runs it on
loopback for tests and benchmarks.
"""
