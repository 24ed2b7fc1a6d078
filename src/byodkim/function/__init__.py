"""What runs in the dkim-manager Lambda: the phases, the health check, the scheduled rotation, the function's config."""
