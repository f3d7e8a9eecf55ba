"""The adapters around the engine: the thin HTTP API (`server.app.create_app`), the web app it serves, and the
`avvik` command (`server.cli`). Importing this package loads nothing, so the command starts without Flask's app
or the metrics registry (whose multiprocess files `avvik serve` prepares first)."""
