"""The pages' read models: what each page shows, read from the node's state."""
