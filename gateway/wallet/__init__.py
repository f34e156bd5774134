"""Cards and vouchers in the customer's phone Wallet: Apple passes and Google Wallet objects."""
