"""HTTP plumbing shared by every page and API route: middleware, errors, template helpers."""
