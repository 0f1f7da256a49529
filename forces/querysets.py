"""Reads over forces' boards, scoped to what a user may see."""

from django.db import models

from .roles import force_ids_for


class BoardQuerySet(models.QuerySet):
    def visible_to(self, user):
        forces = force_ids_for(user)
        return self if forces is None else self.filter(force_id__in=forces)
