"""Roster upload and download for staff and programme managers.

One view per operation; validation and writing live in roster.volunteers,
roster.vacancies and roster.export, shared with the management commands.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.selectors import signed_in_user
from assignments.selectors import programmes_managed_by
from config.permissions import IsManagerOrStaff, IsStaff
from config.throttles import WriteRateThrottle
from roster.api.serializers import (
    ExportQuerySerializer,
    ImportRefusedSerializer,
    ImportReportSerializer,
    ImportUploadSerializer,
)
from roster.export import vacancies_export, volunteers_export
from roster.importing import ImportReport
from roster.vacancies import vacancies_import
from roster.volunteers import volunteers_import

_MEDIA_TYPES = {"jsonl": "application/x-ndjson; charset=utf-8", "csv": "text/csv; charset=utf-8"}


class _AlwaysJSON(DefaultContentNegotiation):
    """Errors are JSON whatever ``?format=`` says: here it names the file format, not a renderer."""

    def select_renderer(
        self, request: Request, renderers: Iterable[BaseRenderer], format_suffix: str | None = None
    ) -> tuple[BaseRenderer, str]:
        renderer = next(iter(renderers))
        return renderer, renderer.media_type


def _report_response(report: ImportReport) -> Response:
    body = report.as_dict()
    if not report.rejected:
        return Response(body)
    errors: dict[str, list[str]] = {}
    for rejection in report.rejected:
        where = f"line {rejection.line}: " if rejection.line else ""
        errors.setdefault(rejection.field, []).append(f"{where}{rejection.reason}")
    return Response({**body, "errors": errors}, status=status.HTTP_400_BAD_REQUEST)


def _upload(request: Request) -> dict[str, Any]:
    serializer = ImportUploadSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _download(chunks: Any, *, fmt: str, name: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(chunks, content_type=_MEDIA_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


_UPLOAD_SCHEMA: dict[str, Any] = {
    "request": {"multipart/form-data": ImportUploadSerializer},
    "responses": {
        200: ImportReportSerializer,
        400: OpenApiResponse(
            ImportRefusedSerializer,
            description="No file, or a bad form field (errors only); or a line rejected, or the file unreadable "
            "(errors and the report).",
        ),
    },
}
_EXPORT_SCHEMA: dict[str, Any] = {
    "parameters": [OpenApiParameter("format", OpenApiTypes.STR, enum=["jsonl", "csv"], default="jsonl")],
    "responses": {(200, "application/x-ndjson"): OpenApiTypes.STR, (200, "text/csv"): OpenApiTypes.STR},
}


class VolunteerImportView(APIView):
    permission_classes = (IsAuthenticated, IsManagerOrStaff)
    parser_classes = (MultiPartParser, FormParser)
    # The project's "write" scope: counted per user with every other write, rates read at request time.
    throttle_classes = (WriteRateThrottle,)

    @extend_schema(
        operation_id="roster_volunteers_import",
        summary="Import a volunteer roster (upsert on external_id), reported line by line",
        **_UPLOAD_SCHEMA,
    )
    def post(self, request: Request) -> Response:
        upload = _upload(request)
        report = volunteers_import(
            data=upload["file"].read(),
            filename=upload["file"].name,
            atomic=upload["atomic"],
            dry_run=upload["dry_run"],
        )
        return _report_response(report)


class VacancyImportView(APIView):
    permission_classes = (IsAuthenticated, IsManagerOrStaff)
    parser_classes = (MultiPartParser, FormParser)
    # The project's "write" scope: counted per user with every other write, rates read at request time.
    throttle_classes = (WriteRateThrottle,)

    @extend_schema(
        operation_id="programme_vacancies_import",
        summary="Import a programme's vacancies as open vacancies, reported line by line",
        **_UPLOAD_SCHEMA,
    )
    def post(self, request: Request, slug: str) -> Response:
        programme = get_object_or_404(programmes_managed_by(user=signed_in_user(request)), slug=slug)
        upload = _upload(request)
        report = vacancies_import(
            data=upload["file"].read(),
            filename=upload["file"].name,
            programme_slug=programme.slug,
            actor=signed_in_user(request),
            atomic=upload["atomic"],
            dry_run=upload["dry_run"],
        )
        return _report_response(report)


class VolunteerExportView(APIView):
    # Staff only: the roster holds every volunteer's contact details.
    permission_classes = (IsAuthenticated, IsStaff)
    renderer_classes = (JSONRenderer,)
    content_negotiation_class = _AlwaysJSON

    @extend_schema(operation_id="roster_volunteers_export", summary="Export every volunteer", **_EXPORT_SCHEMA)
    def get(self, request: Request) -> StreamingHttpResponse:
        query = ExportQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        fmt = query.validated_data["format"]
        return _download(volunteers_export(fmt=fmt), fmt=fmt, name="volunteers")


class VacancyExportView(APIView):
    permission_classes = (IsAuthenticated, IsManagerOrStaff)
    renderer_classes = (JSONRenderer,)
    content_negotiation_class = _AlwaysJSON

    @extend_schema(
        operation_id="programme_vacancies_export", summary="Export a programme's vacancies", **_EXPORT_SCHEMA
    )
    def get(self, request: Request, slug: str) -> StreamingHttpResponse:
        programme = get_object_or_404(programmes_managed_by(user=signed_in_user(request)), slug=slug)
        query = ExportQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        fmt = query.validated_data["format"]
        return _download(vacancies_export(fmt=fmt, programme=programme), fmt=fmt, name=f"{programme.slug}-vacancies")
