import hashlib

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def hash_calendar_tokens(apps, schema_editor):
    """Existing feed addresses keep working: their secret is replaced by its SHA-256."""
    ReminderPreference = apps.get_model("reminders", "ReminderPreference")
    for pref in ReminderPreference.objects.exclude(calendar_token="").only("calendar_token"):
        pref.calendar_token_hash = hashlib.sha256(pref.calendar_token.encode()).hexdigest()
        pref.save(update_fields=["calendar_token_hash"])


class Migration(migrations.Migration):
    dependencies = [
        ("reminders", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="reminderpreference",
            name="calendar_token_hash",
            field=models.CharField(blank=True, max_length=64, null=True, unique=True),
        ),
        migrations.RunPython(hash_calendar_tokens, migrations.RunPython.noop),
        migrations.RemoveField(model_name="reminderpreference", name="calendar_token"),
        migrations.CreateModel(
            name="UnsubscribeToken",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("token_hash", models.CharField(max_length=64, unique=True)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("expires_at", models.DateTimeField()),
                ("revoked_at", models.DateTimeField(blank=True, null=True)),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="unsubscribe_tokens",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "indexes": [
                    models.Index(fields=["user", "expires_at"], name="unsubscribe_user_expires")
                ],
            },
        ),
    ]
