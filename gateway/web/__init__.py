"""The pages people use: the merchant's console (and, later, the scanner and customer pages)."""
