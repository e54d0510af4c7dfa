"""Community-issued credentials: the kinds a constitution defines, issuing, endorsing, revoking."""
