"""The loyalty domain, one folder per feature: programs, cards, sales, vouchers, codes, lottery."""
