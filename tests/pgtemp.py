"""A throw-away PostgreSQL cluster for tests and benchmarks.

`initdb` into a fresh temporary directory, listen only on a unix socket in
that directory, start with `pg_ctl`, remove everything on `stop()`.
PostgreSQL refuses to run as root, so as root the server programs run as
the `postgres` user, who owns the directory."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from rep_tui.server.embedded import free_port


class ClusterError(RuntimeError):
    """The throw-away cluster could not be made or started."""


def find_bindir() -> Path:
    configured = os.environ.get("REP_TUI_PG_BIN")
    if configured:
        return Path(configured)
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    if initdb:
        return Path(initdb).parent
    raise ClusterError("PostgreSQL's initdb was not found (install postgresql or set REP_TUI_PG_BIN)")


class TempCluster:
    def __init__(self, name: str = "reptui-pg", max_connections: int = 200, *, durable: bool = False) -> None:
        """`durable` keeps PostgreSQL's fsync, synchronous_commit and full-page
        writes on, as in production (benchmarks); tests turn them off for speed."""
        self.bindir = find_bindir()
        self.root = Path(tempfile.mkdtemp(prefix=f"{name}-"))
        self.data = self.root / "data"
        self.port = free_port()
        self.max_connections = max_connections
        self.durable = durable
        self._as_postgres = os.geteuid() == 0

    def _run(self, *args: str) -> None:
        cmd = [str(self.bindir / args[0]), *args[1:]]
        if self._as_postgres:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        proc = subprocess.run(cmd, capture_output=True, text=True)
        if proc.returncode != 0:
            log = self.root / "log"
            tail = log.read_text()[-2000:] if log.exists() else ""
            raise ClusterError(f"{' '.join(cmd)} failed:\n{proc.stdout}{proc.stderr}\n{tail}")

    def start(self) -> TempCluster:
        if self._as_postgres:
            shutil.chown(self.root, "postgres", "postgres")
        self.root.chmod(0o700)
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync")
        options = f"-k {self.root} -p {self.port} -c listen_addresses='' -c max_connections={self.max_connections}"
        if not self.durable:
            options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.root / "log"), "-o", options, "-w", "start")
        return self

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@/{database}?host={self.root}&port={self.port}"

    def _admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(host=str(self.root), port=self.port, user="postgres", dbname="postgres",
                             autocommit=True) as conn:
            conn.execute(sql)

    def create_database(self, name: str, template: str | None = None) -> str:
        self._admin(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
        return self.url(name)

    def drop_database(self, name: str) -> None:
        self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def stop(self) -> None:
        try:
            if self.data.exists():
                self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)
