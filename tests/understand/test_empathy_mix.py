"""How the default backend mixes its EPITOME and ESConv votes (v2 ``mix_levels``, v3
``stack_levels``)."""

from __future__ import annotations

import numpy as np

from empathos.understand.backends.default import mix_levels, stack_levels

P = np.array([[0.7, 0.2, 0.1], [0.1, 0.3, 0.6], [1.0, 0.0, 0.0]])
Q = np.array([0.5, 0.0, 1.0])


def test_alpha_zero_is_the_epitome_head() -> None:
    np.testing.assert_allclose(mix_levels(P, Q, 0.0), P)


def test_noisy_or_and_the_epitome_share_of_levels() -> None:
    m = mix_levels(P, Q, 1.0)
    np.testing.assert_allclose(m.sum(1), 1.0)
    # row 0: 1 - 0.7 * 0.5 = 0.65 above level 0, split 2:1 like the EPITOME head
    np.testing.assert_allclose(m[0], [0.35, 0.65 * 2 / 3, 0.65 / 3])
    np.testing.assert_allclose(m[1], P[1])  # the ESConv head says no: EPITOME stands
    np.testing.assert_allclose(m[2], [0.0, 0.5, 0.5])  # EPITOME had no level: split evenly
    assert (mix_levels(P, Q, 0.5)[:, 0] >= m[:, 0]).all()  # a damped vote raises less


def test_the_stack_at_zero_weight_is_the_epitome_head() -> None:
    np.testing.assert_allclose(stack_levels(P, Q, (0.0, 1.0, 0.0)), P)


def test_the_stack_follows_the_esconv_vote_and_keeps_the_epitome_share() -> None:
    levels = np.array([[0.5, 0.25, 0.25], [0.5, 0.25, 0.25], [0.5, 0.5, 0.0]])
    used = np.array([0.9, 0.1, 0.5])
    m = stack_levels(levels, used, (2.0, 1.0, 0.0))
    np.testing.assert_allclose(m.sum(1), 1.0)
    # EPITOME at even odds: the ESConv vote decides (log-odds 2 * logit(0.9) = 2 ln 9)
    np.testing.assert_allclose(m[0, 1:].sum(), 81 / 82)
    np.testing.assert_allclose(m[1, 1:].sum(), 1 / 82)
    np.testing.assert_allclose(m[0, 1], m[0, 2])  # split 1:1 like the EPITOME head
    np.testing.assert_allclose(m[2], [0.5, 0.5, 0.0])  # no vote either way: EPITOME stands
    # b0 moves the threshold, b1 < 1 flattens: both monotone in the vote
    shifted = stack_levels(levels, used, (2.0, 1.0, -1.0))
    assert (shifted[:, 0] > m[:, 0]).all()
