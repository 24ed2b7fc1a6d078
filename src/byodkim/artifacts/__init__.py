"""What gets built and shipped: the cryptography layer (verified ELF, reproducible zip), the code zip."""
