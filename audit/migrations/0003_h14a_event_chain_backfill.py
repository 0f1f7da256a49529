"""Chain the events written before the hash chain: per force, in the order they were
written (pk), with the times they already have. Runs before 0004 installs the triggers
that refuse any later UPDATE."""

from django.db import migrations

from audit import chain

BATCH = 2000


def backfill(apps, schema_editor):
    Event = apps.get_model("audit", "Event")
    ChainHead = apps.get_model("audit", "ChainHead")
    using = schema_editor.connection.alias
    events = Event.objects.using(using)
    forces = sorted(
        {chain.chain_key(f) for f in events.order_by().values_list("force_id", flat=True).distinct()}
    )
    for key in forces:
        rows = events.filter(force__isnull=True) if key == chain.NO_FORCE else events.filter(
            force_id=key
        )
        seq, previous, batch = 0, chain.GENESIS, []
        for event in rows.order_by("pk").iterator(chunk_size=BATCH):
            seq += 1
            event.seq, event.prev_hash = seq, previous
            event.hash = previous = chain.digest(event)
            batch.append(event)
            if len(batch) >= BATCH:
                Event.objects.using(using).bulk_update(batch, ["seq", "prev_hash", "hash"])
                batch = []
        Event.objects.using(using).bulk_update(batch, ["seq", "prev_hash", "hash"])
        ChainHead.objects.using(using).update_or_create(
            key=key, defaults={"seq": seq, "hash": previous}
        )


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0002_h14a_event_chain"),
    ]

    operations = [
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=False),
    ]
