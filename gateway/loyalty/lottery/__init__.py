"""The lottery: spins a card holds and playing them, drawn server-side."""
