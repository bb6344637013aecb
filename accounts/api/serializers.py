from __future__ import annotations

from rest_framework import serializers

from accounts.models import ApiToken, User
from config.serializers import StrictModelSerializer, StrictSerializer
from core.validators import validate_single_line


class MeOutputSerializer(serializers.ModelSerializer[User]):
    has_profile = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ("id", "email", "full_name", "role", "has_profile", "date_joined")
        read_only_fields = fields

    def get_has_profile(self, user: User) -> bool:
        return hasattr(user, "volunteer") and user.volunteer is not None


class MeInputSerializer(StrictModelSerializer):
    class Meta:
        model = User
        fields = ("full_name",)
        extra_kwargs = {"full_name": {"validators": [validate_single_line]}}


class TokenInputSerializer(StrictSerializer):
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(max_length=4096, trim_whitespace=False, style={"input_type": "password"})


class TokenOutputSerializer(serializers.Serializer):  # type: ignore[type-arg]
    token = serializers.CharField(help_text="Send as 'Authorization: Token <token>'. Shown once; never stored.")
    expires_at = serializers.DateTimeField(help_text="After this the token answers 401; log in again.")


class ApiTokenSerializer(serializers.ModelSerializer[ApiToken]):
    current = serializers.SerializerMethodField(help_text="Whether this is the token the request was made with.")

    class Meta:
        model = ApiToken
        fields = ("id", "prefix", "created", "expires_at", "current")
        read_only_fields = fields

    def get_current(self, token: ApiToken) -> bool:
        auth = self.context.get("auth")
        return isinstance(auth, ApiToken) and auth.pk == token.pk
