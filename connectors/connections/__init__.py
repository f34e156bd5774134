"""POS connections: which POS account feeds which program, with its credentials and maps."""
