"""The canonical POS sale model shared by every connector, and the connectors themselves."""
