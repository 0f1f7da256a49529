"""Search that ignores case and accents: "zoe" finds "Zoë", "Zoe" and "ZOË".

Both sides are folded the same way: lower case, and Latin letters without their accents.
In SQL, PostgreSQL folds with its built-in translate(lower(...)) (no extension needed)
and SQLite with the same Python function, registered on each connection (ui.apps).
"""

import unicodedata

from django.db.models import Func, Q, TextField, Value
from django.db.models.lookups import Contains


def _table() -> tuple[str, str]:
    """Each accented Latin letter (lower case) and its plain letter, one for one."""
    source, target = [], []
    for code in range(0xC0, 0x250):
        char = chr(code).lower()
        if len(char) != 1 or char in source:
            continue
        base = "".join(
            c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)
        )
        if len(base) == 1 and base.isascii() and base.isalpha() and base != char:
            source.append(char)
            target.append(base)
    for char, base in (("ø", "o"), ("ł", "l"), ("đ", "d"), ("ħ", "h"), ("ı", "i")):
        if char not in source:
            source.append(char)
            target.append(base)
    return "".join(source), "".join(target)


ACCENTED, PLAIN = _table()
_FOLD = str.maketrans(ACCENTED, PLAIN)


def fold(text) -> str | None:
    """Lower case without accents; None stays None (SQL NULL)."""
    if text is None:
        return None
    return str(text).lower().translate(_FOLD)


class Folded(Func):
    """fold() in SQL."""

    output_field = TextField()

    def as_sqlite(self, compiler, connection, **extra):
        return super().as_sql(compiler, connection, function="PEEL_FOLD", **extra)

    def as_postgresql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"TRANSLATE(LOWER({sql}), %s, %s)", (*params, ACCENTED, PLAIN)

    def as_sql(self, compiler, connection, **extra):  # other databases: case only
        return super().as_sql(compiler, connection, function="LOWER", **extra)


def matches(fields: list[str], value: str) -> Q:
    """Rows where any of fields contains value, ignoring case and accents."""
    wanted = fold(value.strip())
    query = Q()
    for name in fields:
        query |= Q(Contains(Folded(name), Value(wanted)))
    return query


def register_sqlite_fold(sender, connection, **kwargs):
    """connection_created: give SQLite the PEEL_FOLD function."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("PEEL_FOLD", 1, fold, deterministic=True)
