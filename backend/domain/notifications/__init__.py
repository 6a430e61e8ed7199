"""In-app messages (消息): review outcomes, reminders and overdue notices for one account."""
