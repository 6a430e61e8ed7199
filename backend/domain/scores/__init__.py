"""合规管理得分: the yearly compliance score of each group, explained line by line."""
