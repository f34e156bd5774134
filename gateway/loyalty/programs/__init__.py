"""Programs: the stamp card a merchant runs, its rules and the rewards it gives."""
