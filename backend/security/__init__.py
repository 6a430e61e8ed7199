"""Who may do what: identity, sessions, passwords, access rules, CSRF and the audit trail."""
