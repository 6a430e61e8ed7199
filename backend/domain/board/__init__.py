"""The progress board (进度看板): enterprises × obligations, as of any date."""
