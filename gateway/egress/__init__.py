"""Outbound HTTP to addresses a merchant chose (webhook receivers, POS API hosts): the SSRF
guard, and sending that connects only to the address the guard checked."""
