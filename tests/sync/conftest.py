from rep_tui.server.testing import backend, company, devices, pg_cluster, server  # noqa: F401  (fixtures)
