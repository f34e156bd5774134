"""A program's Wallet design: colours, labels and images shared by every Wallet's passes."""
