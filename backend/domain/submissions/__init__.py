"""Submissions (报送): enterprises deliver what an obligation asks, in versions with files."""
