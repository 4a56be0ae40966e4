"""One module per command area; each exposes `register(app)` and is discovered by planner.cli.app."""
