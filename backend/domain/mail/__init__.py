"""邮件: e-mail copies of in-app messages through an outbox, delivered with retries."""
