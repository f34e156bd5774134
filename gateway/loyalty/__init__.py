"""The loyalty domain: rewards, stamp cycles, vouchers, card numbers, lottery draws."""
