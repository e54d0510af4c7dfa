"""The capability services: each capability's application work over the kernel."""
