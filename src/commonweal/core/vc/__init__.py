"""W3C Verifiable Credentials 2.0 with Data Integrity EdDSA (eddsa-jcs-2022, eddsa-rdfc-2022)."""
