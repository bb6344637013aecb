from django.apps import AppConfig


class WebConfig(AppConfig):
    """The web pages: server-rendered templates over the apps' services and selectors.

    Last in the import order (core → accounts → volunteers → assignments →
    matching → alerts → roster → web): it may import any app, and no app imports it.
    """

    default_auto_field = "django.db.models.BigAutoField"
    name = "web"
