from django.apps import AppConfig


class VolunteersConfig(AppConfig):
    name = "volunteers"

    def ready(self) -> None:
        # Connect the allauth signal receivers.
        from volunteers import receivers  # noqa: F401
