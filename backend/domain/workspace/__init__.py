"""企业端 workspace: what the user's group must deliver, and the upload dialog to deliver it."""
