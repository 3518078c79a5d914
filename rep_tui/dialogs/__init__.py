"""Modal dialogs of the rep's day: resulting an appointment, setting a follow-up date."""
