"""Every Celery task's name, declared once (no Django here).

Tasks are registered under these names (``@shared_task(name=...)``), outbox
rows and beat's schedule name them, and CELERY_TASK_ROUTES sends each prefix
to its queue. A name is part of the wire format between web and workers of
different releases: rename one only with a release that accepts both.
"""

from __future__ import annotations

from typing import Final

# core: the outbox relay (default queue).
RELAY_OUTBOX: Final = "core.relay_outbox"

# volunteers (default queue).
ERASE_INACTIVE_VOLUNTEERS: Final = "volunteers.erase_inactive"

# matching (the "matching" queue).
RANK_VACANCY: Final = "matching.rank_vacancy"
RANK_VACANCY_CHUNK: Final = "matching.rank_vacancy_chunk"
RANK_VACANCY_BATCH: Final = "matching.rank_vacancy_batch"
# One partition of the roster (queue "match.p<k>" when MATCHING_PARTITIONS > 1).
RANK_VACANCY_PARTITION: Final = "matching.rank_vacancy_partition"
RANK_BATCH_PARTITION: Final = "matching.rank_batch_partition"
RESCORE_VOLUNTEER: Final = "matching.rescore_volunteer"
RECORD_OUTCOME: Final = "matching.record_outcome"
RECONCILE_OPEN_VACANCIES: Final = "matching.reconcile_open_vacancies"
REMATCH_ALL: Final = "matching.rematch_all"

# alerts (the "alerts" queue).
CREATE_ALERTS_FOR_VACANCY: Final = "alerts.create_for_vacancy"
CREATE_ALERTS_FOR_VOLUNTEER: Final = "alerts.create_for_volunteer"
DISPATCH_VACANCY: Final = "alerts.dispatch_vacancy"
SEND_ALERT: Final = "alerts.send_alert"
SEND_ALERTS: Final = "alerts.send_alerts"
SEND_DIGEST: Final = "alerts.send_digest"
SEND_DIGESTS: Final = "alerts.send_digests"
SWEEP_ALERTS: Final = "alerts.sweep"
MANAGER_SUMMARIES: Final = "alerts.manager_summaries"
STALE_APPLICATIONS: Final = "alerts.stale_applications"
APPLICATION_STATUS_NOTE: Final = "alerts.application_status_note"
