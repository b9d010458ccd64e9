"""`dossier links`: the only part of dossier that uses the network, and only on the explicit
`dossier links check | snapshot | archive` commands (only `dossier.cli` imports it).

`http` is the client (time-outs, a per-host limit, a User-Agent naming dossier); `targets`
finds every web address of a project with its file:line; `sources_file` rewrites the sources
file in place, keeping its comments and formatting; `check`, `snapshot` and `archive` are the
commands.
"""
