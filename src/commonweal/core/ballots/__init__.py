"""Secret-ballot cryptography: RFC 9474 blind RSA tokens, ristretto255, exponential ElGamal."""
