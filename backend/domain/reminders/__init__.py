"""督办提醒: reminders before and after deadlines, each written once into a ledger."""
