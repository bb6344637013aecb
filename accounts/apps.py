from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"

    def ready(self) -> None:
        # Connect the allauth signal receivers.
        from accounts import receivers  # noqa: F401
