"""The database's own refusal to change the audit trail, whatever the code above it does.

Installed by migration 0004_h14a_event_triggers. On PostgreSQL a statement trigger raises
on any UPDATE or DELETE of audit_event; on SQLite BEFORE UPDATE / BEFORE DELETE triggers
abort the statement. A row trigger on INSERT refuses an event whose time is not the
database's own clock (within a margin for a long bulk insert), so no one backdates one.

A later migration that rebuilds audit_event on SQLite (its ALTER TABLE copies the table
and drops the old one, triggers and all) would lose them silently, so after every
`migrate` the app puts back any that are missing (ensure(), from AuditConfig).

TRUNCATE (PostgreSQL, table owner only) is not refused: Django's test runner empties
tables with it. A truncated trail is caught by the chain heads (verify_audit) and by the
daily anchors an auditor keeps.
"""

TABLE = "audit_event"
REFUSED = "audit events are append-only: they cannot be changed or deleted"
BACKDATED = "audit event times come from the database clock, not the caller"
# A bulk insert of many thousand events takes seconds after its clock reading; anything
# older than this was not written now.
MARGIN_MINUTES = 5

POSTGRESQL_INSTALL = [
    f"""
    CREATE OR REPLACE FUNCTION audit_event_refuse_change() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION '{REFUSED} (% refused)', TG_OP
            USING ERRCODE = 'insufficient_privilege';
    END
    $$
    """,
    f"""
    CREATE TRIGGER audit_event_append_only
    BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH STATEMENT EXECUTE FUNCTION audit_event_refuse_change()
    """,
    f"""
    CREATE OR REPLACE FUNCTION audit_event_check_time() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF NEW.created_at < clock_timestamp() - interval '{MARGIN_MINUTES} minutes'
           OR NEW.created_at > clock_timestamp() + interval '5 seconds' THEN
            RAISE EXCEPTION '{BACKDATED} (% is not now)', NEW.created_at
                USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END
    $$
    """,
    f"""
    CREATE TRIGGER audit_event_database_time
    BEFORE INSERT ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION audit_event_check_time()
    """,
]

POSTGRESQL_REMOVE = [
    f"DROP TRIGGER IF EXISTS audit_event_database_time ON {TABLE}",
    f"DROP TRIGGER IF EXISTS audit_event_append_only ON {TABLE}",
    "DROP FUNCTION IF EXISTS audit_event_check_time()",
    "DROP FUNCTION IF EXISTS audit_event_refuse_change()",
]

SQLITE_NO_DELETE = f"""
    CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON {TABLE}
    BEGIN SELECT RAISE(ABORT, '{REFUSED}'); END
"""

SQLITE_INSTALL = [
    f"""
    CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON {TABLE}
    BEGIN SELECT RAISE(ABORT, '{REFUSED}'); END
    """,
    SQLITE_NO_DELETE,
    # Django stores SQLite times as UTC text, which julianday() reads; 'now' is UTC.
    f"""
    CREATE TRIGGER audit_event_database_time BEFORE INSERT ON {TABLE}
    WHEN julianday(NEW.created_at) < julianday('now') - {MARGIN_MINUTES}.0 / 1440
      OR julianday(NEW.created_at) > julianday('now') + 5.0 / 86400
      OR julianday(NEW.created_at) IS NULL
    BEGIN SELECT RAISE(ABORT, '{BACKDATED}'); END
    """,
]

SQLITE_REMOVE = [
    "DROP TRIGGER IF EXISTS audit_event_database_time",
    "DROP TRIGGER IF EXISTS audit_event_no_delete",
    "DROP TRIGGER IF EXISTS audit_event_no_update",
]


NAMES = {"audit_event_append_only", "audit_event_database_time"}  # PostgreSQL
SQLITE_NAMES = ["audit_event_no_update", "audit_event_no_delete", "audit_event_database_time"]
MIGRATION = ("audit", "0004_h14a_event_triggers")


def statements(vendor: str, *, install: bool) -> list[str]:
    if vendor == "postgresql":
        return POSTGRESQL_INSTALL if install else POSTGRESQL_REMOVE
    if vendor == "sqlite":
        return SQLITE_INSTALL if install else SQLITE_REMOVE
    return []


def install(apps, schema_editor) -> None:
    for sql in statements(schema_editor.connection.vendor, install=True):
        schema_editor.execute(sql, params=None)


def remove(apps, schema_editor) -> None:
    for sql in statements(schema_editor.connection.vendor, install=False):
        schema_editor.execute(sql, params=None)


def missing(connection) -> list[str]:
    """The statements that would put back whichever triggers are not there."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s",
                [TABLE],
            )
            present = {row[0] for row in cursor.fetchall()}
            return [
                sql for name, sql in zip(SQLITE_NAMES, SQLITE_INSTALL, strict=True)
                if name not in present
            ]  # fmt: skip
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass", [TABLE])
            if {row[0] for row in cursor.fetchall()} >= NAMES:
                return []
            return POSTGRESQL_REMOVE + POSTGRESQL_INSTALL
    return []


def ensure(using: str = "default", **kwargs) -> None:
    """After migrate: the triggers are there if the migration that installs them ran."""
    from django.db import connections
    from django.db.migrations.recorder import MigrationRecorder

    connection = connections[using]
    if MIGRATION not in MigrationRecorder(connection).applied_migrations():
        return
    statements_ = missing(connection)
    with connection.cursor() as cursor:
        for sql in statements_:
            cursor.execute(sql)
