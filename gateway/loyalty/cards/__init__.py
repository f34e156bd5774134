"""Cards: numbers, customer identifiers, the stamp ledger and progress towards the goal."""
