"""Matching over the API: a manager's shortlist and its explanations, a volunteer's matches."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from assignments.models import Vacancy
from assignments.selectors import vacancies_managed_by
from config.audit import AuditedReadMixin
from config.filters import refuse_empty_or_repeated
from config.permissions import IsManagerOrStaff, IsVolunteer
from core.audit import Action, audit_viewed
from core.outbox import rank_vacancy_requested
from matching import selectors
from matching.api.serializers import (
    ExplanationSerializer,
    MatchRunSerializer,
    ShortlistCandidateSerializer,
    ShortlistFilterSerializer,
    VolunteerMatchSerializer,
)
from matching.explain import candidate_explain, results_explain
from matching.models import MatchResult, MatchRun
from volunteers.models import Volunteer


def _manager_vacancy(request: Request, external_id: str) -> Vacancy:
    # Another programme's vacancy answers 404, like one that does not exist.
    # The views' permission (IsManagerOrStaff) has already refused anonymous users.
    return get_object_or_404(vacancies_managed_by(user=request.user), external_id=external_id)


@extend_schema(
    parameters=[
        OpenApiParameter(
            "min_score",
            {"type": "number", "minimum": 0, "maximum": 1},
            description="only candidates scoring at least this (0-1)",
        ),
        OpenApiParameter(
            "include",
            str,
            enum=["all"],
            description="'all' also lists candidates below the floor (band 'none': no evidence of doing this work)",
        ),
        OpenApiParameter(
            "residence_country", {"type": "string", "pattern": "^[A-Za-z]{2}$"}, description="ISO 3166-1 alpha-2"
        ),
        OpenApiParameter(
            "language",
            {"type": "string", "pattern": "^[A-Za-z]{2}$"},
            description="ISO 639-1 code the candidate speaks",
        ),
    ]
)
class ShortlistView(AuditedReadMixin, ListAPIView):
    """The ranked, explained shortlist of eligible candidates for a vacancy."""

    serializer_class = ShortlistCandidateSerializer
    permission_classes = (IsManagerOrStaff,)
    filter_backends = ()

    # Per page read: who looked at which vacancy's shortlist, and whose name and email it showed them.
    def audits(self, objects: Sequence[Any]) -> list[tuple[str, str, list[Any]]]:
        return [
            (Action.SHORTLIST_VIEW, "vacancy", [self.vacancy.pk]),
            (Action.CONTACT_VIEW, "volunteer", selectors.contacts_shown(objects, user=self.request.user)),
        ]

    def get_queryset(self):  # type: ignore[no-untyped-def]
        vacancy = self.vacancy = _manager_vacancy(self.request, self.kwargs["external_id"])
        refuse_empty_or_repeated(self.request, names=ShortlistFilterSerializer().fields)
        filters = ShortlistFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        params = dict(filters.validated_data)
        include_all = params.pop("include", None) == "all"
        return selectors.shortlist_for_vacancy(vacancy=vacancy, include_all=include_all, **params)

    def paginate_queryset(self, queryset):  # type: ignore[no-untyped-def]
        # Candidates below a list's explained top get their reasons when first read.
        page = super().paginate_queryset(queryset)
        return None if page is None else results_explain(page)


class ExplainCandidateView(APIView):
    """Why is this person (not) on the shortlist? Names the failed rule or the score's parts."""

    permission_classes = (IsManagerOrStaff,)

    @extend_schema(responses=ExplanationSerializer)
    def get(self, request: Request, external_id: str, volunteer_external_id: str) -> Response:
        vacancy = _manager_vacancy(request, external_id)
        volunteer = get_object_or_404(Volunteer.objects.live(), external_id=volunteer_external_id)
        payload = candidate_explain(vacancy=vacancy, volunteer=volunteer)
        audit_viewed(
            actor=request.user, action=Action.CANDIDATE_VIEW, object_type="volunteer", object_ids=[volunteer.pk]
        )
        return Response(ExplanationSerializer(payload).data)


class MatchRunListView(ListAPIView):
    """The ranking runs of a vacancy: when, how many scored, how long, which engine."""

    serializer_class = MatchRunSerializer
    permission_classes = (IsManagerOrStaff,)
    filter_backends = ()
    queryset = MatchRun.objects.none()

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return selectors.runs_for_vacancy(vacancy=_manager_vacancy(self.request, self.kwargs["external_id"]))


class RematchView(APIView):
    """Queue a fresh ranking of the vacancy."""

    permission_classes = (IsManagerOrStaff,)

    @extend_schema(request=None, responses={202: None})
    def post(self, request: Request, external_id: str) -> Response:
        vacancy = _manager_vacancy(request, external_id)
        rank_vacancy_requested(vacancy_id=vacancy.pk)
        return Response(status=status.HTTP_202_ACCEPTED)


class MyMatchesView(ListAPIView):
    """The signed-in volunteer's best open vacancies, with the reasons they fit."""

    serializer_class = VolunteerMatchSerializer
    permission_classes = (IsVolunteer,)
    filter_backends = ()
    queryset = MatchResult.objects.none()

    def get_queryset(self):  # type: ignore[no-untyped-def]
        volunteer = Volunteer.objects.filter(user=self.request.user, erased_at__isnull=True).first()
        if volunteer is None:
            return MatchResult.objects.none()
        return selectors.matches_for_volunteer(volunteer_id=volunteer.pk)

    def paginate_queryset(self, queryset):  # type: ignore[no-untyped-def]
        page = super().paginate_queryset(queryset)
        return None if page is None else results_explain(page)
