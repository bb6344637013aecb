"""API: export my data, erase my account."""

from __future__ import annotations

from django.contrib.auth import logout
from django.core.exceptions import ValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from volunteers.privacy.services import user_erase, volunteer_export_data


class MeExportView(APIView):
    @extend_schema(
        operation_id="me_export",
        summary="Everything held about the signed-in person",
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request) -> Response:
        response = Response(volunteer_export_data(user=request.user))  # type: ignore[arg-type]
        response["Content-Disposition"] = 'attachment; filename="my-diaspora-match-data.json"'
        response["Cache-Control"] = "no-store"
        return response


class MeEraseView(APIView):
    class InputSerializer(serializers.Serializer[None]):
        confirm = serializers.BooleanField(help_text="Must be true: erasure cannot be undone.")

    @extend_schema(
        operation_id="me_erase",
        summary="Erase the signed-in account and its personal data",
        request=InputSerializer,
        responses={204: None},
    )
    def post(self, request: Request) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        if serializer.validated_data["confirm"] is not True:
            raise ValidationError({"confirm": ["must be true to erase the account"]})
        user_erase(user=request.user)  # type: ignore[arg-type]
        logout(request._request)
        return Response(status=status.HTTP_204_NO_CONTENT)
