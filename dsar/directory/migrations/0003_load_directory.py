from django.db import migrations


def load(apps, schema_editor):
    from dsar.directory.services import directory_load

    directory_load(apps=apps)


class Migration(migrations.Migration):
    dependencies = [("directory", "0002_agency_contact_note_recordsystem_abbreviation_and_more")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
