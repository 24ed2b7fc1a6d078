"""The local rehearsal: a real BIND on loopback and the sandbox that runs the whole rollout on it."""
