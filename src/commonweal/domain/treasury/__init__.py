"""The treasury: a double-entry ledger per node, in integer minor units of declared units.

Money moves only by events whose rules hold: income a treasurer records with the
digest of its evidence, a member's transfer from their own account, an expense
approved by N treasurers and paid by one, and transfers that a passed proposal
decides. Every balance is a projection of the log, and every ledger entry's
postings sum to zero, so the books balance at every index.
"""
