"""Apple Wallet: the merchant's Pass Type ID certificate, signed passes, the PassKit web
service and APNs pushes."""
