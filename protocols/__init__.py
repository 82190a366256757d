"""Decentralized allocation protocols; each registers itself by name."""
