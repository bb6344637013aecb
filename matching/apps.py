from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "matching"

    def ready(self) -> None:
        # Expressing interest is refused by the same hard rules the ranking
        # applies; assignments (above us) asks through this registered check.
        from assignments.services import interest_check_register
        from matching.eligibility import interest_refusals

        interest_check_register(interest_refusals)
