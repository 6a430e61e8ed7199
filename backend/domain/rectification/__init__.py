"""督促检查 and the 整改台账: inspections, findings, rectification and 销号."""
