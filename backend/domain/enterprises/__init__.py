"""The enterprise roster: listing, search and the tree of groups and subsidiaries."""
