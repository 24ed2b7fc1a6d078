"""Talking to AWS: sessions and typed clients, errors as one line, the key's secret, SES registration."""
