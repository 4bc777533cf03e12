from django.db import models


class TableVersion(models.Model):
    """A token per watched table, changed by database triggers whenever the table's rows change
    (mentorship/data_versions.py)."""

    table = models.CharField(max_length=63, primary_key=True)
    token = models.CharField(max_length=32)

    def __str__(self) -> str:
        return f"{self.table} {self.token}"
