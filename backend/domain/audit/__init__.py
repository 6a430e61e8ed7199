"""操作日志 pages for the security auditor (三员分立): the filtered list, the hash-chain check
and the xlsx export. The log itself is written and verified by ``backend.security.audit``."""
