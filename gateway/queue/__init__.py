"""The table-queue: tables whose rows are work (the inbox, webhook deliveries), claimed in
batches under a lease, woken through Redis or the embedded thread, swept for what is due."""
