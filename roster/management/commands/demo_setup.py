"""`manage.py demo_setup`: the demo programme, roster and log-ins, ready to click through.

Run by `scripts/demo` (`make demo`) after migrate. Running it again changes
nothing: the imports are upserts, the accounts are looked up by address, and a
field is written only when it differs from the demo value.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from assignments.models import Programme, Vacancy
from core.outbox import rank_vacancy_requested
from volunteers.models import Volunteer

DEMO_PASSWORD = "demo-password-2027"  # noqa: S105 - printed on purpose: demo log-ins only
PROGRAMME_SLUG = "mida-somalia"
PROGRAMME_NAME = "MIDA Somalia"
ADMIN_EMAIL = "admin@demo.local"
MANAGER_EMAIL = "manager@demo.local"
VOLUNTEER_EMAIL = "volunteer@demo.local"
# The imported profile the demo volunteer signs in to: a midwife who fits the
# Hargeisa midwifery tutor vacancy, so "my matches" has something to show.
VOLUNTEER_PROFILE = "V-1001"
DEFAULT_DATA_DIR = Path(settings.BASE_DIR) / "demo"


class Command(BaseCommand):
    help = "Create the MIDA Somalia demo: programme, roster from demo/*.jsonl, three log-ins, queued rankings."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--data-dir",
            type=Path,
            default=DEFAULT_DATA_DIR,
            help="Folder holding volunteers.jsonl and vacancies.jsonl (default: demo/).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            # A superuser with a published password has no place on a real server.
            raise CommandError("demo_setup runs only with DJANGO_DEBUG=true (it creates log-ins with a known password)")
        data_dir: Path = options["data_dir"]
        volunteers_file = data_dir / "volunteers.jsonl"
        vacancies_file = data_dir / "vacancies.jsonl"
        for path in (volunteers_file, vacancies_file):
            if not path.is_file():
                raise CommandError(f"{path} not found")

        programme = _programme()
        # --atomic: a demo file with a bad line is a bug to fix, not half a demo.
        self.stdout.write(f"Importing {volunteers_file}")
        call_command("import_volunteers", str(volunteers_file), "--atomic", stdout=self.stdout, stderr=self.stderr)
        self.stdout.write(f"Importing {vacancies_file}")
        call_command(
            "import_vacancies",
            str(vacancies_file),
            "--programme",
            programme.slug,
            "--atomic",
            stdout=self.stdout,
            stderr=self.stderr,
        )

        with transaction.atomic():
            _demo_user(email=ADMIN_EMAIL, full_name="Demo Administrator", role=User.Role.STAFF, staff=True)
            manager = _demo_user(email=MANAGER_EMAIL, full_name="Demo Programme Manager", role=User.Role.MANAGER)
            programme.managers.add(manager)
            volunteer_user = _demo_user(email=VOLUNTEER_EMAIL, full_name="Demo Volunteer", role=User.Role.VOLUNTEER)
            profile = _link_profile(user=volunteer_user, external_id=VOLUNTEER_PROFILE)

        queued = _queue_matching()
        self.stdout.write(
            f"Programme {programme.name!r}: {Volunteer.objects.count()} volunteers, "
            f"{programme.vacancies.count()} vacancies; ranking queued for {queued} open vacancies."
        )
        self.stdout.write(self.style.WARNING(_credentials_banner(profile)))


def _programme() -> Programme:
    # Created with the demo's rules; an existing programme is left as its managers set it.
    programme, _ = Programme.objects.get_or_create(
        slug=PROGRAMME_SLUG,
        defaults={"name": PROGRAMME_NAME, "rule_residence_outside_duty_country": True},
    )
    return programme


def _demo_user(*, email: str, full_name: str, role: str, staff: bool = False) -> User:
    """Get or create a demo log-in with the demo password and a verified address."""
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User.objects.create_user(email=email, password=DEMO_PASSWORD, full_name=full_name)
    wanted = {"role": role, "is_active": True, "is_staff": staff, "is_superuser": staff}
    changed = [name for name, value in wanted.items() if getattr(user, name) != value]
    for name in changed:
        setattr(user, name, wanted[name])
    # set_password salts afresh, so only call it when the demo password no longer works.
    if not user.check_password(DEMO_PASSWORD):
        user.set_password(DEMO_PASSWORD)
        changed.append("password")
    if changed:
        user.save(update_fields=changed)
    _verified_address(user)
    return user


def _verified_address(user: User) -> None:
    # Mandatory verification would otherwise send every demo log-in to "confirm your e-mail".
    # Not accounts.services.user_email_mark_confirmed: it would move the linked profile's
    # address to the log-in's, and the next import would move it back.
    address = EmailAddress.objects.filter(user=user, email__iexact=user.email).first()
    if address is None:
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    elif not (address.verified and address.primary):
        address.verified = True
        address.primary = True
        address.save(update_fields=["verified", "primary"])


def _link_profile(*, user: User, external_id: str) -> Volunteer:
    """Attach the imported profile to the demo volunteer, confirmed and with alerts on."""
    profile = Volunteer.objects.select_for_update().filter(external_id=external_id).first()
    if profile is None:
        raise CommandError(f"profile {external_id} is not in the demo roster")
    if profile.user_id not in (None, user.pk):
        raise CommandError(f"profile {external_id} already belongs to another account")
    fields: list[str] = []
    if profile.user_id is None:
        profile.user = user
        fields.append("user")
    now = timezone.now()
    if profile.email_confirmed_at is None:
        profile.email_confirmed_at = now
        fields.append("email_confirmed_at")
    if not profile.alerts_consent:
        profile.alerts_consent = True
        profile.alerts_consent_at = now
        fields += ["alerts_consent", "alerts_consent_at"]
    if fields:
        profile.save(update_fields=[*fields, "updated_at"])
    return profile


def _queue_matching() -> int:
    # One transaction: the outbox rows are relayed to the worker once it commits,
    # and a request already pending for a vacancy is not queued twice.
    with transaction.atomic():
        vacancy_ids = list(Vacancy.objects.open().order_by("pk").values_list("pk", flat=True))
        for vacancy_id in vacancy_ids:
            rank_vacancy_requested(vacancy_id=vacancy_id)
    return len(vacancy_ids)


def _credentials_banner(profile: Volunteer) -> str:
    return "\n".join(
        [
            "",
            "DEMO ONLY: these log-ins share a published password. Never run demo_setup on a real server.",
            f"  staff / admin      {ADMIN_EMAIL:<24} {DEMO_PASSWORD}",
            f"  programme manager  {MANAGER_EMAIL:<24} {DEMO_PASSWORD}",
            f"  volunteer          {VOLUNTEER_EMAIL:<24} {DEMO_PASSWORD}  (profile {profile.external_id}, "
            f"{profile.full_name})",
            "",
        ]
    )
