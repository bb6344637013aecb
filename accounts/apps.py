from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"

    def ready(self) -> None:
        # Connect the log-in guards' receivers (failures per address, lock-out notices).
        from accounts import receivers  # noqa: F401
