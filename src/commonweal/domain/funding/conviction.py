"""Conviction voting (Zargham; 1Hive's ConvictionVoting.sol), in integers only.

Members stake on proposals that ask a shared pool for funds. A proposal's
conviction grows while stake stays on it and decays when it leaves:

    y_{t+1} = α·y_t + x          (x: the stake on it now; t counts periods)
    y_t     = αᵗ·y_0 + x·(1 − αᵗ)/(1 − α)

and it passes once its conviction reaches the threshold

    y*(r) = ρ·S / (1 − α) / (β − r/R)²     (infinite when r/R ≥ β)

for a request of r from funds R, with S the effective supply: the stake on all
proposals, but at least a minimum share of all the stake there could be.

The parameters are integers scaled by D = 10⁷, exactly as the contract takes
them: ``decay`` = α·D, ``max_ratio`` = β·D, ``weight`` = ρ·D (1Hive's defaults
are 9999599, 2000000 and 20000). :func:`conviction` is the contract's own
integer algorithm (2¹²⁸ fixed point, each product rounded half up), so it
agrees bit for bit with the deployed contract, whose results equal
``Math.round`` of the float formula; :func:`exact_conviction` is the formula
in exact rationals, for checking. Thresholds are exact rationals (compare a
conviction with them exactly; show them with :func:`round_half_up`).
"""

from __future__ import annotations

from fractions import Fraction

D = 10**7
"""The fixed-point scale of decay, max_ratio, weight and min_share."""
_TWO_128 = 1 << 128
_TWO_127 = 1 << 127


def conviction(decay: int, periods: int, last: int, staked: int) -> int:
    """The conviction ``periods`` after it was ``last``, with ``staked`` on the proposal
    throughout (1Hive's ``calculateConviction``)."""
    _check_decay(decay)
    if periods < 0 or last < 0 or staked < 0:
        raise ValueError("periods, conviction and stake must not be negative")
    at = _pow((decay << 128) // D, periods)
    grown = staked * D * (_TWO_128 - at) // (D - decay)
    return (at * last + grown + _TWO_127) >> 128


def exact_conviction(decay: int, periods: int, last: int, staked: int) -> Fraction:
    """αᵗ·y_0 + x·(1 − αᵗ)/(1 − α) as an exact rational (cost grows with ``periods``)."""
    _check_decay(decay)
    alpha_t = Fraction(decay, D) ** periods
    return alpha_t * last + staked * (1 - alpha_t) / (1 - Fraction(decay, D))


def max_conviction(decay: int, staked: int) -> Fraction:
    """The conviction a constant stake tends to: x / (1 − α)."""
    _check_decay(decay)
    return Fraction(staked * D, D - decay)


def effective_supply(total_staked: int, supply: int, min_share: int) -> Fraction:
    """S: the stake on all proposals, but at least ``min_share``/D of the whole ``supply``."""
    return max(Fraction(total_staked), Fraction(supply * min_share, D))


def threshold(
    decay: int, max_ratio: int, weight: int, requested: int, funds: int, supply: Fraction | int
) -> Fraction | None:
    """y*(r) exactly, or None when the request is at or above β of the funds (it can never pass).

    ρ·S/(1 − α)/(β − r/R)² = weight·S·D²·R² / ((D − decay)·(max_ratio·R − r·D)²).
    """
    _check_decay(decay)
    gap = max_ratio * funds - requested * D
    if funds <= 0 or gap <= 0:
        return None
    return Fraction(weight * D * D * funds * funds, (D - decay) * gap * gap) * Fraction(supply)


def round_half_up(value: Fraction) -> int:
    """The nearest integer, halves rounded up (``Math.round`` for non-negative values)."""
    return (2 * value.numerator + value.denominator) // (2 * value.denominator)


def _check_decay(decay: int) -> None:
    if not 0 <= decay < D:
        raise ValueError(f"decay must be from 0 to {D - 1} (α·10⁷)")


def _mul(a: int, b: int) -> int:
    """a·b / 2¹²⁸, rounded half up (the contract's ``_mul``)."""
    return (a * b + _TWO_127) >> 128


def _pow(a: int, b: int) -> int:
    """(a / 2¹²⁸)ᵇ · 2¹²⁸ by squaring (the contract's ``_pow``)."""
    result = _TWO_128
    while b > 0:
        if b & 1 == 0:
            a = _mul(a, a)
            b >>= 1
        else:
            result = _mul(result, a)
            b -= 1
    return result
