"""Application services: submit, project, checkpoint, verify; one transaction per group."""
