"""The inbox: every POS webhook, stored before it is acknowledged and processed after."""
