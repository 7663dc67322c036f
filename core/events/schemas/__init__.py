"""The models of events, triggers and deployment triggers (`headrace.events.schemas.*`)."""
