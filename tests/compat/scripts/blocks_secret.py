"""Secret block: masked repr, save/load by name, overwrite rules, a missing name."""

import uuid

from prefect.blocks.system import Secret

NAME = "compat-secret-" + uuid.uuid4().hex[:12]  # fresh per run: no leftovers from before

secret = Secret(value="s3cr3t-value")
print("masked in repr:", "s3cr3t" not in repr(secret), "*" in repr(secret))
print("get:", secret.get())
secret.save(NAME)
loaded = Secret.load(NAME)
print("loaded:", type(loaded).__name__, loaded.get(), "s3cr3t" not in repr(loaded))
try:
    Secret(value="other").save(NAME)
except ValueError as exc:
    # Prefect raises a plain ValueError; a subclass with a clearer message is fine
    print("save again without overwrite raises a ValueError:", isinstance(exc, ValueError))
Secret(value="other").save(NAME, overwrite=True)
print("after overwrite:", Secret.load(NAME).get())
try:
    Secret.load("no-such-block-" + uuid.uuid4().hex[:12])
except ValueError as exc:
    print("load missing raises a ValueError:", isinstance(exc, ValueError))
