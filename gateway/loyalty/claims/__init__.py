"""Claims: one-time links that attach an unattributed sale, or a delivery insert, to a card."""
