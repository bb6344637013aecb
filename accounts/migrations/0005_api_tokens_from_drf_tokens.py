"""Carry DRF's tokens over to accounts.ApiToken (digest only, 30 days from now), then drop them."""

import hashlib
from datetime import timedelta

from django.db import migrations
from django.utils import timezone
from django.utils.crypto import salted_hmac


def forwards(apps, schema_editor):
    Token = apps.get_model("authtoken", "Token")
    ApiToken = apps.get_model("accounts", "ApiToken")
    now = timezone.now()
    for token in Token.objects.select_related("user").iterator():
        fingerprint = salted_hmac(
            "django.contrib.auth.models.AbstractBaseUser.get_session_auth_hash",
            token.user.password,
            algorithm="sha256",
        ).hexdigest()
        ApiToken.objects.create(
            user_id=token.user_id,
            key_digest=hashlib.sha256(token.key.encode()).hexdigest(),
            prefix=token.key[:8],
            password_fingerprint=fingerprint,
            created=token.created,
            expires_at=now + timedelta(days=30),
        )
    Token.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_api_token"),
        ("authtoken", "0004_alter_tokenproxy_options"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
