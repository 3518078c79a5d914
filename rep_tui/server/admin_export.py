"""All of a company's data in one zip and back: `rep-tui admin export --zip`
and `rep-tui admin import zip`.

The zip holds `tables/<table>.csv` for every domain table and the server's
own bookkeeping (deleted rows too, with ids, versions, the version counter,
each device's applied sequence, row births, scope exits, blob uploads), the
attachments' contents under `blobs/<sha256>`, and `manifest.json` (format,
app version, when, per table its rows and the CSV's SHA-256, per blob its
size). So a restored server goes on exactly where the old one stopped:
devices keep syncing from their cursors without signing in again.

It holds secrets: the password hashes (argon2id, so people sign in on the
restored server with the passwords they have) and the SHA-256 of sign-in
tokens. The manifest says so under `secrets`; keep the file as safe as the
database. Failed sign-in counts and the web form's rate-limit log are left
out: they are about the old box's last minutes.

Rows and blobs stream through in batches: memory does not grow with the
company. Export writes a temporary file beside FILE and renames it at the
end; import checks every file against the manifest (and every cell against
its column) before it writes anything, then loads it all in one transaction
and copies the blobs in, removing those it added if the transaction fails.

CSV cells: `\\N` is NULL (a text starting with a backslash gets one more in
front), booleans are true/false, times ISO 8601 with their offset, JSON as
JSON text."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import tempfile
import zipfile
import zlib
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

from sqlalchemy import Connection, Engine, Table, func, select, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.types import JSON, Boolean, Integer, Numeric, String, Text, Uuid

from rep_tui import __version__
from rep_tui.blobs import CHUNK, BlobStore, Refused, is_name
from rep_tui.clock import utcnow
from rep_tui.server.admin import AdminError
from rep_tui.server.db import write_transaction
from rep_tui.server.models import Counter
from rep_tui.store import migrations
from rep_tui.store.models import Attachment
from rep_tui.store.serialize import from_json, to_json

#: The zip's layout; an import refuses any other.
FORMAT = 1
MANIFEST = "manifest.json"
#: Server tables not exported: sign-in throttling and the web form's rate
#: limit, short-lived and about the old box.
LEFT_OUT = frozenset({"server_login_failures", "server_form_posts"})
#: Tables whose rows are secrets, and why they are in the zip.
SECRETS = {
    "server_passwords": "argon2id password hashes, so people sign in on the restored server with their passwords",
    "server_tokens": "SHA-256 of sign-in tokens, so devices keep syncing without signing in again",
}
#: Rows written (and cells checked) at a time.
BATCH = 1000
NULL = "\\N"


def tables() -> list[Table]:
    """What a zip holds: the server database's tables, parents before children (the order an import writes in)."""
    metadatas, names = migrations.SERVER.declared()
    return [t for metadata in metadatas for t in metadata.sorted_tables if t.name in names - LEFT_OUT]


def _csv_name(table: str) -> str:
    return f"tables/{table}.csv"


def _blob_name(sha: str) -> str:
    return f"blobs/{sha}"


def _member(name: str, compress: int = zipfile.ZIP_DEFLATED) -> zipfile.ZipInfo:
    """A file in the zip dated now (a streamed one would say 1980)."""
    info = zipfile.ZipInfo(name, date_time=utcnow().timetuple()[:6])
    info.compress_type = compress
    return info


# --- cells ---------------------------------------------------------------------------------


def _encoder(column_type: Any) -> Callable[[Any], str]:
    if isinstance(column_type, Boolean):
        return lambda value: "true" if value else "false"
    if isinstance(column_type, JSON):
        return lambda value: json.dumps(value, ensure_ascii=False, sort_keys=True)
    if isinstance(column_type, (Integer, Uuid, Numeric)):
        return str
    if isinstance(column_type, (String, Text)):
        return _escaped
    return lambda value: str(to_json(value))


def _escaped(value: str) -> str:
    return "\\" + value if value.startswith("\\") else value


def _decoder(column_type: Any) -> Callable[[str], Any]:
    if isinstance(column_type, Boolean):
        return lambda cell: {"true": True, "false": False}[cell]
    if isinstance(column_type, JSON):
        return json.loads
    if isinstance(column_type, Integer):
        return int
    return lambda cell: from_json(column_type, cell[1:] if cell.startswith("\\") else cell)


def _encode_row(encoders: list[Callable[[Any], str]], row: Any) -> list[str]:
    return [NULL if value is None else encode(value) for encode, value in zip(encoders, row)]


# --- export --------------------------------------------------------------------------------


class _HashingWriter:
    """What the CSV writer writes to: kept until `flush` (a batch of rows at
    a time), then UTF-8 into the zip, hashed on the way."""

    def __init__(self, out: io.BufferedIOBase) -> None:
        self._out = out
        self._pending: list[str] = []
        self.digest = hashlib.sha256()

    def write(self, text: str) -> None:
        self._pending.append(text)

    def flush(self) -> None:
        data = "".join(self._pending).encode("utf-8")
        self._pending.clear()
        self.digest.update(data)
        self._out.write(data)


@dataclass
class ExportReport:
    path: Path
    rows: dict[str, int] = field(default_factory=dict)
    blobs: int = 0
    blob_bytes: int = 0
    missing_blobs: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {"file": str(self.path), "rows": self.rows, "total_rows": sum(self.rows.values()),
                "blobs": self.blobs, "blob_bytes": self.blob_bytes, "missing_blobs": self.missing_blobs}

    def text(self) -> str:
        missing = (f"\n{len(self.missing_blobs)} attachment content(s) the server never received are not in it: "
                   + ", ".join(self.missing_blobs)) if self.missing_blobs else ""
        return (f"Exported {sum(self.rows.values()):,} row(s) of {len(self.rows)} table(s) and {self.blobs} "
                f"attachment file(s) ({self.blob_bytes:,} bytes) to {self.path}. It holds password hashes: "
                f"keep it as safe as the database.{missing}")


def _snapshot(engine: Engine) -> Connection:
    """A connection whose reads all see one moment (a consistent export while the server runs)."""
    conn = engine.connect()
    if engine.dialect.name == "postgresql":
        conn = conn.execution_options(isolation_level="REPEATABLE READ")
    return conn


def export_zip(engine: Engine, blobs_dir: Path, target: Path | str) -> ExportReport:
    """Write every exported table and the attachments' contents to the zip `target`."""
    target = Path(target)
    if target.is_dir():
        raise AdminError(f"{target} is a directory: name the zip file to write.")
    if not target.parent.is_dir():
        raise AdminError(f"{target.parent} does not exist: the zip is written into an existing directory.")
    report = ExportReport(target)
    handle, temp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".partial")
    os.close(handle)
    try:
        manifest = {"format": FORMAT, "app_version": __version__, "exported_at": utcnow().isoformat(),
                    "null": NULL, "secrets": SECRETS, "tables": {}, "blobs": {}}
        with zipfile.ZipFile(temp_name, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive, \
                _snapshot(engine) as conn, conn.begin():
            manifest["schema"] = sorted(conn.execute(text("SELECT version_num FROM alembic_version")).scalars())
            for table in tables():
                manifest["tables"][table.name] = _export_table(conn, table, archive)
                report.rows[table.name] = manifest["tables"][table.name]["rows"]
            _export_blobs(conn, BlobStore(blobs_dir), archive, manifest, report)
            archive.writestr(MANIFEST, json.dumps(manifest, indent=1, sort_keys=True))
        os.replace(temp_name, target)
    except SQLAlchemyError as exc:
        raise AdminError(f"Reading the server database failed; no zip was written: {str(exc).splitlines()[0]}") \
            from None
    except OSError as exc:
        raise AdminError(f"Writing {target} failed; no zip was written: {exc}") from None
    finally:
        Path(temp_name).unlink(missing_ok=True)
    return report


def _export_table(conn: Connection, table: Table, archive: zipfile.ZipFile) -> dict[str, Any]:
    encoders = [_encoder(c.type) for c in table.columns]
    rows = 0
    with archive.open(_member(_csv_name(table.name)), "w", force_zip64=True) as out:
        sink = _HashingWriter(out)
        writer = csv.writer(sink, lineterminator="\n")
        writer.writerow([c.name for c in table.columns])
        result = conn.execution_options(yield_per=BATCH).execute(
            select(table).order_by(*table.primary_key.columns))
        for batch in result.partitions():
            writer.writerows(_encode_row(encoders, row) for row in batch)
            rows += len(batch)
            sink.flush()
        sink.flush()
    return {"rows": rows, "sha256": sink.digest.hexdigest()}


def _export_blobs(conn: Connection, store: BlobStore, archive: zipfile.ZipFile, manifest: dict,
                  report: ExportReport) -> None:
    """Each attachment's content once (deleted attachments' too: a restore keeps what the server had)."""
    shas = conn.execution_options(yield_per=BATCH).execute(
        select(Attachment.sha256).distinct().order_by(Attachment.sha256)).scalars()
    for sha in shas:
        if not is_name(sha) or not store.exists(sha):
            report.missing_blobs.append(sha)
            continue
        size = 0
        with store.path(sha).open("rb") as source, \
                archive.open(_member(_blob_name(sha), zipfile.ZIP_STORED), "w", force_zip64=True) as out:
            for chunk in iter(lambda: source.read(CHUNK), b""):
                out.write(chunk)
                size += len(chunk)
        manifest["blobs"][sha] = {"size": size}
        report.blobs += 1
        report.blob_bytes += size
    manifest["missing_blobs"] = report.missing_blobs


# --- import --------------------------------------------------------------------------------


@dataclass
class ImportReport:
    path: Path
    rows: dict[str, int] = field(default_factory=dict)
    blobs: int = 0
    blob_bytes: int = 0

    def as_json(self) -> dict[str, Any]:
        return {"file": str(self.path), "rows": self.rows, "total_rows": sum(self.rows.values()),
                "blobs": self.blobs, "blob_bytes": self.blob_bytes}

    def text(self) -> str:
        return (f"Imported {sum(self.rows.values()):,} row(s) of {len(self.rows)} table(s) and {self.blobs} "
                f"attachment file(s) ({self.blob_bytes:,} bytes) from {self.path}.")


class _HashingReader(io.RawIOBase):
    """A zip member read through, hashed and counted on the way."""

    def __init__(self, source: io.BufferedIOBase) -> None:
        self._source = source
        self.digest = hashlib.sha256()
        self.size = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        count = self._source.readinto(buffer)
        self.digest.update(memoryview(buffer)[:count])
        self.size += count
        return count


class _Zip:
    """The zip being imported: its manifest, and its files read with their problems named."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        try:
            self.archive = zipfile.ZipFile(self.path)
        except FileNotFoundError:
            raise AdminError(f"{self.path}: no such file.") from None
        except (zipfile.BadZipFile, OSError) as exc:
            raise AdminError(f"{self.path} is not a readable zip file ({exc}).") from None
        self.names = set(self.archive.namelist())
        self.manifest = self._manifest()

    def problem(self, member: str, message: str, line: int | None = None) -> AdminError:
        where = f", line {line}" if line else ""
        return AdminError(f"{self.path}: {member}{where}: {message}. Nothing was imported.")

    def _manifest(self) -> dict[str, Any]:
        if MANIFEST not in self.names:
            raise self.problem(MANIFEST, "missing (this is not a zip `rep-tui admin export` wrote)")
        try:
            manifest = json.loads(self.archive.read(MANIFEST))
        except (ValueError, zipfile.BadZipFile, OSError) as exc:
            raise self.problem(MANIFEST, f"not readable ({exc})") from None
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
            found = manifest.get("format") if isinstance(manifest, dict) else None
            raise self.problem(MANIFEST, f"format {found!r}; this rep-tui ({__version__}) reads format {FORMAT}")
        if not isinstance(manifest.get("tables"), dict) or not isinstance(manifest.get("blobs"), dict):
            raise self.problem(MANIFEST, "lists no tables or blobs")
        return manifest

    @contextmanager
    def reading(self, member: str) -> Iterator[_HashingReader]:
        if member not in self.names:
            raise self.problem(member, "missing from the zip")
        try:
            with self.archive.open(member) as source:
                yield _HashingReader(source)
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError) as exc:
            raise self.problem(member, f"damaged ({exc})") from None

    def rows(self, table: Table, verify: bool = False) -> Iterator[list[dict[str, Any]]]:
        """The CSV's rows as column values, in batches; every cell checked
        against its column, the whole file (with `verify`) against the manifest."""
        member = _csv_name(table.name)
        with self.reading(member) as raw:
            reader = csv.reader(io.TextIOWrapper(io.BufferedReader(raw), encoding="utf-8", newline=""))
            try:
                header = next(reader, None)
                if header is None:
                    raise self.problem(member, "empty: its first line names the columns", 1)
                unknown = [name for name in header if name not in table.columns]
                if unknown or len(set(header)) != len(header):
                    raise self.problem(member, f"unknown or repeated column(s) {', '.join(map(repr, unknown))}; "
                                       f"{table.name} has {', '.join(table.columns.keys())}", 1)
                decoders = [_decoder(table.columns[name].type) for name in header]
                batch, count = [], 0
                for cells in reader:
                    if len(cells) != len(header):
                        raise self.problem(member, f"{len(cells)} cells, but the header names {len(header)}",
                                           reader.line_num)
                    try:
                        batch.append({name: None if cell == NULL else decode(cell)
                                      for name, decode, cell in zip(header, decoders, cells)})
                    except (ValueError, KeyError, TypeError) as exc:
                        raise self.problem(member, f"a cell is not a {table.name} value ({exc!s})",
                                           reader.line_num) from None
                    count += 1
                    if len(batch) == BATCH:
                        yield batch
                        batch = []
                if batch:
                    yield batch
            except UnicodeDecodeError as exc:
                raise self.problem(member, f"not UTF-8 text ({exc})", reader.line_num + 1) from None
            except csv.Error as exc:
                raise self.problem(member, f"not readable CSV ({exc})", reader.line_num) from None
        if verify:
            expected = self.manifest["tables"][table.name]
            if count != expected.get("rows"):
                raise self.problem(member, f"{count} row(s), but the manifest says {expected.get('rows')}")
            if raw.digest.hexdigest() != expected.get("sha256"):
                raise self.problem(member, "its SHA-256 does not match the manifest (the file was changed or "
                                   "damaged)")

    def blob(self, sha: str) -> Iterator[bytes]:
        with self.reading(_blob_name(sha)) as raw:
            yield from iter(lambda: raw.read(CHUNK), b"")

    def verify(self, known: dict[str, Table]) -> None:
        """Every file against the manifest, and every cell against its column, before anything is written."""
        listed = {_csv_name(name) for name in self.manifest["tables"]} | {_blob_name(s) for s in self.manifest["blobs"]}
        for member in sorted(self.names - listed - {MANIFEST}):
            raise self.problem(member, "not in the manifest")
        for name in self.manifest["tables"]:
            if name not in known:
                raise self.problem(_csv_name(name), f"no table {name!r} in this rep-tui ({__version__})")
        for table in known.values():
            if table.name in self.manifest["tables"]:
                for _batch in self.rows(table, verify=True):
                    pass
        for sha, entry in self.manifest["blobs"].items():
            member = _blob_name(sha)
            if not is_name(sha):
                raise self.problem(member, "a blob is named by its lowercase hex SHA-256")
            with self.reading(member) as raw:
                while raw.read(CHUNK):
                    pass
            if raw.size != entry.get("size"):
                raise self.problem(member, f"{raw.size} bytes, but the manifest says {entry.get('size')}")
            if raw.digest.hexdigest() != sha:
                raise self.problem(member, "its content does not match its SHA-256 name")


def _holding(conn: Connection, exported: list[Table]) -> dict[str, int]:
    """{table: rows} of the tables that hold rows (the version counter's one row aside)."""
    found = {}
    for table in exported:
        count = conn.execute(select(func.count()).select_from(table)).scalar_one()
        if count and table.name != Counter.__tablename__:
            found[table.name] = count
    return found


def _later_references(exported: list[Table]) -> dict[str, list[str]]:
    """{table: columns referring to a table written with it or after it}
    (a team's manager is a user, a user's team a team): written empty first
    and filled in once every row is in."""
    position = {table.name: number for number, table in enumerate(exported)}
    return {table.name: [fk.parent.name for fk in table.foreign_keys
                         if position.get(fk.column.table.name, -1) >= position[table.name]] for table in exported}


def import_zip(engine: Engine, blobs_dir: Path, source: Path | str) -> ImportReport:
    """Load a zip `export_zip` wrote into an empty server database and its
    blob store. Every file is checked first; one bad cell, checksum, count or
    missing blob and nothing is written."""
    exported = tables()
    archive = _Zip(source)
    with engine.connect() as conn:
        holding = _holding(conn, exported)
    if holding:
        raise AdminError(f"The server database is not empty ({', '.join(f'{n}: {c}' for n, c in holding.items())}): "
                         f"a zip is imported into a new, empty database. Nothing was imported.")
    known = {table.name: table for table in exported}
    archive.verify(known)
    report = ImportReport(archive.path)
    store, added = BlobStore(blobs_dir), []
    try:
        with write_transaction(engine) as conn:
            if _holding(conn, exported):  # filled meanwhile
                raise AdminError("The server database was written to while the zip was checked. Nothing was imported.")
            _load_tables(conn, archive, [t for t in exported if t.name in archive.manifest["tables"]], report)
            for sha, entry in archive.manifest["blobs"].items():
                if store.write(archive.blob(sha), expect=sha).created:
                    added.append(sha)
                report.blobs += 1
                report.blob_bytes += entry["size"]
    except SQLAlchemyError as exc:
        _forget(store, added)
        raise AdminError(f"The server database refused the import; nothing was imported: "
                         f"{str(exc.orig if hasattr(exc, 'orig') else exc).splitlines()[0]}") from None
    except (Refused, OSError) as exc:
        _forget(store, added)
        raise AdminError(f"Copying the attachments into {blobs_dir} failed; nothing was imported: {exc}") from None
    except BaseException:
        _forget(store, added)
        raise
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:  # fresh statistics, or the planner guesses badly after a bulk load
            conn.execute(text("ANALYZE"))
            conn.commit()
    return report


def _forget(store: BlobStore, added: list[str]) -> None:
    for sha in added:
        store.forget(sha)


def _load_tables(conn: Connection, archive: _Zip, loading: list[Table], report: ImportReport) -> None:
    later = _later_references(loading)
    conn.execute(Counter.__table__.delete())  # the zip's counter replaces the new database's
    for table in loading:
        report.rows[table.name] = 0
        for batch in archive.rows(table):
            conn.execute(table.insert(), [{**row, **dict.fromkeys(later[table.name], None)} for row in batch])
            report.rows[table.name] += len(batch)
    for table in loading:
        if later[table.name]:
            _fill_in(conn, archive, table, later[table.name])
    if conn.dialect.name == "postgresql":
        _advance_sequences(conn, loading)


def _fill_in(conn: Connection, archive: _Zip, table: Table, columns: list[str]) -> None:
    """Set the columns `_load_tables` wrote empty, now that the rows they name exist."""
    from sqlalchemy import bindparam

    keys = [c.name for c in table.primary_key.columns]
    stmt = table.update().where(*(table.c[k] == bindparam(f"key_{k}") for k in keys)).values(
        {c: bindparam(f"new_{c}") for c in columns})
    for batch in archive.rows(table):
        wanted = [{**{f"key_{k}": row[k] for k in keys}, **{f"new_{c}": row.get(c) for c in columns}}
                  for row in batch if any(row.get(c) is not None for c in columns)]
        if wanted:
            conn.execute(stmt, wanted)


def _advance_sequences(conn: Connection, loading: list[Table]) -> None:
    """PostgreSQL's serial columns go on after the ids the zip brought."""
    for table in loading:
        column = table.autoincrement_column
        if column is not None:
            conn.execute(text("SELECT setval(pg_get_serial_sequence(:table, :column), max(%s)) FROM %s HAVING "
                              "max(%s) IS NOT NULL" % (column.name, table.name, column.name)),
                         {"table": table.name, "column": column.name})
