"""DMARC aggregate reports: the receivers' own verdict on the domain's mail, read and summarised."""
