"""三张清单 as data: the columns and their values (`columns`), the items (`model`) and the six
automatic checks of domain.md §4.4 (`checks`). Pure: no I/O, so every rule is tested directly."""
