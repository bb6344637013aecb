"""Privacy: export a person's data, erase it (see services and registry)."""

from volunteers.privacy.services import user_erase, volunteer_export_data

__all__ = ["user_erase", "volunteer_export_data"]
