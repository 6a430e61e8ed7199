"""整改台账 rules: a finding's status as of an instant, and the score of the rectification part."""
