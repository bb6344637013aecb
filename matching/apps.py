from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "matching"

    def ready(self) -> None:
        # The hard rules an expression of interest must pass are the engine's:
        # the assignments service asks them through this registration.
        from assignments.services import interest_check_register
        from matching.interest import interest_refusals

        interest_check_register(interest_refusals)
