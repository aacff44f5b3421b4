from django.db import models


class PathField(models.CharField):
    """A CharField compared byte by byte: on PostgreSQL it gets the "C" collation, so the range
    [P, P~) means the same as on SQLite whatever the database's locale."""

    def db_parameters(self, connection):
        params = super().db_parameters(connection)
        if connection.vendor == "postgresql":
            params["collation"] = "C"
        return params
