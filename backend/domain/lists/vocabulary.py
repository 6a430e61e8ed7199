"""The reference lists the three lists draw on (17 domains, key links, key personnel), read from
the programme's seed file, where they are already data."""

from __future__ import annotations

import json
from functools import cache

from backend.rules.lists.model import Vocabulary
from backend.settings import get_settings

PROGRAMME_FILE = "bgzf-2023-120.json"


@cache
def load_vocabulary() -> Vocabulary:
    path = get_settings().seed_dir / "programmes" / PROGRAMME_FILE
    return Vocabulary.from_reference(json.loads(path.read_text("utf-8"))["reference"])
