"""Messages that cross screens: any widget may ask the app to open a lead or
result an appointment; they bubble up to `RepApp`, which does it."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from textual.message import Message


@dataclass
class OpenLead(Message):
    """Show this lead's Customer Information."""

    lead_id: uuid.UUID


@dataclass
class ResultAppointment(Message):
    """Open the Result dialog for this appointment."""

    appointment_id: uuid.UUID
