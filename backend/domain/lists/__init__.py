"""三张清单: template, import (versioned per enterprise), checks where they are read, coverage."""
