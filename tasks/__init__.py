"""Background jobs: arq on Redis when REDIS_URL is set, the same functions in-process otherwise."""
