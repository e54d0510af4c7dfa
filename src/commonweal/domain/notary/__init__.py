"""The notary: anyone may attest a document's digest in the node's public log."""
