"""Hegui (合规督导): compliance programme tracking for the Baotou municipal SASAC."""

import os

# Piccolo finds its engine through this module; set it before any table is touched.
os.environ.setdefault("PICCOLO_CONF", "backend.piccolo_conf")
