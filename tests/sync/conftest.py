from server_fixtures import backend, company, devices, pg_cluster, server  # noqa: F401  (fixtures)
