"""DKIM facts: names and selectors, keys, the TXT record, the DNS team's request. No sockets, no AWS."""
