"""Google Wallet: a merchant's issuer account, loyalty and offer objects kept in step with the
cards and vouchers, Save to Google Wallet links, and campaign messages on the passes."""
