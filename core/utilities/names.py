"""Friendly random run names such as 'amber-heron'."""

from __future__ import annotations

import random

_ADJECTIVES = (
    "amber",
    "ancient",
    "bold",
    "brave",
    "bright",
    "calm",
    "clever",
    "cobalt",
    "crimson",
    "daring",
    "dashing",
    "eager",
    "electric",
    "emerald",
    "fancy",
    "fearless",
    "gentle",
    "golden",
    "graceful",
    "happy",
    "hidden",
    "humble",
    "icy",
    "ivory",
    "jolly",
    "keen",
    "lively",
    "lucky",
    "marble",
    "mellow",
    "misty",
    "nimble",
    "noble",
    "olive",
    "patient",
    "polite",
    "quick",
    "quiet",
    "rapid",
    "rustic",
    "scarlet",
    "shiny",
    "silver",
    "smart",
    "steady",
    "swift",
    "tidy",
    "tranquil",
    "vivid",
    "witty",
    "zealous",
)
_ANIMALS = (
    "albatross",
    "antelope",
    "badger",
    "beaver",
    "bison",
    "caribou",
    "cheetah",
    "cormorant",
    "coyote",
    "crane",
    "dolphin",
    "eagle",
    "egret",
    "falcon",
    "ferret",
    "finch",
    "gazelle",
    "gecko",
    "heron",
    "hornet",
    "ibis",
    "jackal",
    "jaguar",
    "kestrel",
    "koala",
    "lemur",
    "lynx",
    "magpie",
    "marten",
    "mole",
    "narwhal",
    "ocelot",
    "osprey",
    "otter",
    "panther",
    "pelican",
    "puffin",
    "quail",
    "raven",
    "salmon",
    "sparrow",
    "stork",
    "tapir",
    "toucan",
    "trout",
    "urchin",
    "viper",
    "walrus",
    "weasel",
    "wombat",
    "yak",
    "zebra",
)


def generate_slug() -> str:
    """An 'adjective-animal' name; unique enough to tell runs apart in a listing."""
    return f"{random.choice(_ADJECTIVES)}-{random.choice(_ANIMALS)}"


def obfuscate(value: object, show_tail: bool = False) -> str:
    """Eight characters standing for a secret: `********`, or with `show_tail` and a value
    longer than 10 characters, up to its last 4 (`****pqrs`), as Prefect's helper."""
    text = "" if value is None else str(value)
    if not show_tail or len(text) <= 10:
        return "*" * 8
    tail = text[-min(4, len(text) - 10) :]
    return "*" * (8 - len(tail)) + tail
