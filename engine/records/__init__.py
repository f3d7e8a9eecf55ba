"""Records management: attachments, tamper-evident logs, retention and culling, legal holds (docs/records.md)."""
