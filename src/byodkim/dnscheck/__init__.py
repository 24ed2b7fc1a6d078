"""Asking name servers: which servers, the query (with TCP fallback), judging answers, waiting."""
