"""Funding: quadratic-funding rounds, conviction-voting pools, and the formulas behind them."""
