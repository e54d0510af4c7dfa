"""Deployment files for a node served behind TLS: systemd units and a Caddyfile.

``commonweal deploy`` renders them from the node's real settings (docs/operations.md,
"Serving behind TLS"); the templates ship with the package, in ``templates/``.
"""
