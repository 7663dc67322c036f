"""A served flow with a trigger (run by test_serve_triggers.py as a user's script)."""

from headrace import flow
from headrace.events import DeploymentEventTrigger


@flow(name="on-upload")
def on_upload(key: str = "none") -> str:
    return key.upper()


if __name__ == "__main__":
    on_upload.serve(
        name="served",
        triggers=[
            DeploymentEventTrigger(
                expect={"upload.done"}, parameters={"key": "{{ event.payload.key }}"}
            )
        ],
    )
