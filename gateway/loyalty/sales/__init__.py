"""Sales: the canonical POS sale, closed sales becoming stamps, refunds, promo codes on a sale."""
