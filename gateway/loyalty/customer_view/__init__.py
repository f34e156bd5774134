"""What a customer's own links show: their card, vouchers and spins, found by token."""
