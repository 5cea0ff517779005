"""Prefect Automations that tell someone when a file is refused and when a region has not
reported by its due date. Registered (or updated, by name) by `ahual serve`.

    ahual-file-rejected         a flow run ends in the state Rejected (a refused file or build)
    ahual-region-not-reported   the completeness check emits `ahual.region.not-reported` for a
                                region without its registration report on the due date

Their action sends a notification through the block `ahual-notify`, a Custom Webhook posting
to AHUAL_NOTIFY_URL (a chat or mail gateway's webhook) when that is set; without it the
automations still fire and show in the UI's Automations and Events pages, doing nothing else.
"""

from __future__ import annotations

import os

REJECTED = "ahual-file-rejected"
NOT_REPORTED = "ahual-region-not-reported"
NOT_REPORTED_EVENT = "ahual.region.not-reported"
BLOCK = "ahual-notify"


def _notification_block(url: str | None):
    from prefect.blocks.notifications import CustomWebhookNotificationBlock

    if not url:
        return None
    block = CustomWebhookNotificationBlock(
        name="Ahual", url=url, method="POST",
        json_data={"subject": "{{subject}}", "text": "{{body}}"})
    return block.save(BLOCK, overwrite=True)


def _upsert(automation):
    from prefect.automations import Automation

    try:
        existing = Automation.read(name=automation.name)
    except ValueError:
        existing = None
    if existing is None:
        return automation.create()
    automation.id = existing.id
    automation.update()
    return automation


def register(notify_url: str | None = None) -> list:
    """Create or update both automations; returns them."""
    from prefect.automations import Automation, EventTrigger, Posture
    from prefect.events.actions import DoNothing, SendNotification

    block_id = _notification_block(notify_url or os.environ.get("AHUAL_NOTIFY_URL"))

    def actions(subject: str, body: str) -> list:
        if block_id is None:
            return [DoNothing()]
        return [SendNotification(block_document_id=block_id, subject=subject, body=body)]

    rejected = Automation(
        name=REJECTED, enabled=True,
        description="A file (or a build) was refused: its reason is in AHUAL_HOME/quarantine/",
        trigger=EventTrigger(expect={"prefect.flow-run.Rejected"},
                             match={"prefect.resource.id": "prefect.flow-run.*"},
                             posture=Posture.Reactive, threshold=1),
        actions=actions("Ahual: a file was rejected",
                        "{{ flow.name }} run {{ flow_run.name }} ended Rejected: "
                        "{{ flow_run.state.message }}"))
    not_reported = Automation(
        name=NOT_REPORTED, enabled=True,
        description="A region has not sent its registration report by the due date",
        trigger=EventTrigger(expect={NOT_REPORTED_EVENT},
                             match={"prefect.resource.id": "ahual.region.*"},
                             posture=Posture.Reactive, threshold=1),
        actions=actions("Ahual: a region has not reported",
                        "{{ event.resource['prefect.resource.name'] }} has not sent its "
                        "registration report as of {{ event.payload.due }} "
                        "(half-year {{ event.payload.period }})"))
    return [_upsert(rejected), _upsert(not_reported)]


def emit_not_reported(period: str, due: str, regions: list[tuple[str, str]]) -> None:
    """One event per region without its report, for the automation above."""
    from prefect.events import emit_event

    for code, name in regions:
        emit_event(event=NOT_REPORTED_EVENT,
                   resource={"prefect.resource.id": f"ahual.region.{code}",
                             "prefect.resource.name": name},
                   payload={"period": period, "due": due, "region_code": code})
