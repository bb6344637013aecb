"""The outbox moved to core: carry pending rows across, then drop matching's table."""

from django.db import migrations


def copy_pending(apps, schema_editor):
    old = apps.get_model("matching", "OutboxMessage")
    new = apps.get_model("core", "OutboxMessage")
    # Sent rows are history; pending ones are work still to queue. Leases are
    # dropped: the next relay claims them afresh.
    new.objects.bulk_create(
        new(
            task=row.task,
            key=row.key,
            kwargs=row.kwargs,
            created_at=row.created_at,
            attempts=row.attempts,
            last_error=row.last_error,
        )
        for row in old.objects.filter(sent_at__isnull=True).order_by("id")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("matching", "0003_outbox_claim_lease"),
        ("core", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(copy_pending, migrations.RunPython.noop),
        migrations.DeleteModel(name="OutboxMessage"),
    ]
