"""Mutual credit: members pay each other into negative balances within limits, interest-free.

A node runs mutual credit in a unit of hours or a community currency by setting a
credit policy for it (by a passed proposal): the lowest and highest balance each
member may reach, per member or per role, and optionally demurrage on positive
balances. Members also record obligations (what they owe each other); a clearing
sets off cycles of debt by min-cost flow, keeping every member's net position.
"""
