"""Judging free-text answers against the probe table (tests/handlers/questions_probe.yaml).

Shared by the probe test and scripts/probe_questions.py, which prints the summary figures."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml

from handlers.questions import answer_question
from handlers.reply import Reply, Status

PARIS = ZoneInfo("Europe/Paris")
DEFAULT_NOW = datetime(2026, 11, 24, 10, 0, tzinfo=PARIS)
PROBE_FILE = Path(__file__).parent.parent / "handlers" / "questions_probe.yaml"
CASES_FILE = Path(__file__).parent.parent / "handlers" / "questions_cases.yaml"
BLIND_FILE = Path(__file__).parent.parent / "handlers" / "questions_blind.yaml"
BLIND2_FILE = Path(__file__).parent.parent / "handlers" / "questions_blind2.yaml"
BLIND3_FILE = Path(__file__).parent.parent / "handlers" / "questions_blind3.yaml"
BLIND4_FILE = Path(__file__).parent.parent / "handlers" / "questions_blind4.yaml"
BLIND5_FILE = Path(__file__).parent.parent / "handlers" / "questions_blind5.yaml"
BLIND6_FILE = Path(__file__).parent.parent / "handlers" / "questions_blind6.yaml"
BLIND7_FILE = Path(__file__).parent.parent / "handlers" / "questions_blind7.yaml"
BLIND8_FILE = Path(__file__).parent.parent / "handlers" / "questions_blind8.yaml"
BLIND9_FILE = Path(__file__).parent.parent / "handlers" / "questions_blind9.yaml"
BLIND10_FILE = Path(__file__).parent.parent / "handlers" / "questions_blind10.yaml"
BLIND11_FILE = Path(__file__).parent.parent / "handlers" / "questions_blind11.yaml"
# Written blind by a colleague who never read the answerer; measured once, then tuned on (now seen).
NEVER_TUNED_A_FILE = Path(__file__).parent.parent / "handlers" / "questions_never_tuned_A.yaml"


# The seen tables (tuned on). Never-tuned tables stay out until measured. The first blind rounds were fixed
# entirely; the later ones keep their measured misses visible (`known:`).
FIXED_BLIND_FILES = (BLIND_FILE, BLIND2_FILE, BLIND3_FILE, BLIND4_FILE)
# Measured once while never tuned (B, C: last round; F: written blind this round as a dev table), then seen.
NEVER_TUNED_B_FILE = Path(__file__).parent.parent / "handlers" / "questions_never_tuned_B.yaml"
NEVER_TUNED_C_FILE = Path(__file__).parent.parent / "handlers" / "questions_never_tuned_C.yaml"
DEV_F_FILE = Path(__file__).parent.parent / "handlers" / "questions_dev_F.yaml"
NEVER_TUNED_D_FILE = Path(__file__).parent.parent / "handlers" / "questions_never_tuned_D.yaml"
NEVER_TUNED_E_FILE = Path(__file__).parent.parent / "handlers" / "questions_never_tuned_E.yaml"
# Written blind as dev tables in the round after G, measured once, then tuned on.
DEV_H1_FILE = Path(__file__).parent.parent / "handlers" / "questions_dev_H1.yaml"
DEV_H2_FILE = Path(__file__).parent.parent / "handlers" / "questions_dev_H2.yaml"
# Measured once as never-tuned sets at the end of the round after H (H3, H4, S), and dev sets written blind in
# the next (U1, U2, measured once): all tuned on since.
NEVER_TUNED_H3_FILE = Path(__file__).parent.parent / "handlers" / "questions_never_tuned_H3.yaml"
NEVER_TUNED_H4_FILE = Path(__file__).parent.parent / "handlers" / "questions_never_tuned_H4.yaml"
NEVER_TUNED_S_FILE = Path(__file__).parent.parent / "handlers" / "questions_never_tuned_S.yaml"
DEV_U1_FILE = Path(__file__).parent.parent / "handlers" / "questions_dev_U1.yaml"
DEV_U2_FILE = Path(__file__).parent.parent / "handlers" / "questions_dev_U2.yaml"
DEV_V1_FILE = Path(__file__).parent.parent / "handlers" / "questions_dev_V1.yaml"
DEV_V2_FILE = Path(__file__).parent.parent / "handlers" / "questions_dev_V2.yaml"
# Four dev sets written blind in the next round, measured once each, then tuned on.
DEV_W_FILE = Path(__file__).parent.parent / "handlers" / "questions_dev_W.yaml"
DEV_X_FILE = Path(__file__).parent.parent / "handlers" / "questions_dev_X.yaml"
DEV_Y_FILE = Path(__file__).parent.parent / "handlers" / "questions_dev_Y.yaml"
DEV_Z_FILE = Path(__file__).parent.parent / "handlers" / "questions_dev_Z.yaml"
# Sealed never-tuned sets of the round after W-Z, measured once at its end, then tuned on in the next (seen).
NEVER_TUNED_T1_FILE = Path(__file__).parent.parent / "handlers" / "questions_never_tuned_T1.yaml"
NEVER_TUNED_T2_FILE = Path(__file__).parent.parent / "handlers" / "questions_never_tuned_T2.yaml"
NEVER_TUNED_T3_FILE = Path(__file__).parent.parent / "handlers" / "questions_never_tuned_T3.yaml"
# Two dev sets written blind in the round of 2026-12-02, measured once, then tuned on.
DEV_R1_FILE = Path(__file__).parent.parent / "handlers" / "questions_dev_R1.yaml"
DEV_R2_FILE = Path(__file__).parent.parent / "handlers" / "questions_dev_R2.yaml"
# Sealed never-tuned sets of the round of 2026-12-02, measured once at its end, then tuned on (seen).
NEVER_TUNED_T4_FILE = Path(__file__).parent.parent / "handlers" / "questions_never_tuned_T4.yaml"
NEVER_TUNED_T5_FILE = Path(__file__).parent.parent / "handlers" / "questions_never_tuned_T5.yaml"
NEVER_TUNED_T6_FILE = Path(__file__).parent.parent / "handlers" / "questions_never_tuned_T6.yaml"
# Dev sets written blind in the round after, measured once, then tuned on.
DEV_R3_FILE = Path(__file__).parent.parent / "handlers" / "questions_dev_R3.yaml"
DEV_R4_FILE = Path(__file__).parent.parent / "handlers" / "questions_dev_R4.yaml"
DEV_R5_FILE = Path(__file__).parent.parent / "handlers" / "questions_dev_R5.yaml"
DEV_R6_FILE = Path(__file__).parent.parent / "handlers" / "questions_dev_R6.yaml"
# Sealed never-tuned sets of this round, measured once on c39594b, then tuned on while T10, T11 were sealed.
NEVER_TUNED_T7_FILE = Path(__file__).parent.parent / "handlers" / "questions_never_tuned_T7.yaml"
NEVER_TUNED_T8_FILE = Path(__file__).parent.parent / "handlers" / "questions_never_tuned_T8.yaml"
NEVER_TUNED_T9_FILE = Path(__file__).parent.parent / "handlers" / "questions_never_tuned_T9.yaml"
# Sealed sets measured once at the end of that round (T10, T11 on ef9d3de, T12 on 8f5b3cf), then tuned on in
# the next (seen); and two dev sets written blind in the next round, measured once on b6fe06f, then tuned on.
NEVER_TUNED_T10_FILE = Path(__file__).parent.parent / "handlers" / "questions_never_tuned_T10.yaml"
NEVER_TUNED_T11_FILE = Path(__file__).parent.parent / "handlers" / "questions_never_tuned_T11.yaml"
NEVER_TUNED_T12_FILE = Path(__file__).parent.parent / "handlers" / "questions_never_tuned_T12.yaml"
DEV_R7_FILE = Path(__file__).parent.parent / "handlers" / "questions_dev_R7.yaml"
DEV_R8_FILE = Path(__file__).parent.parent / "handlers" / "questions_dev_R8.yaml"
DEV_R9_FILE = Path(__file__).parent.parent / "handlers" / "questions_dev_R9.yaml"
# Sealed sets of the fourth round of 2026-12-02, measured once at its end on 2ea3078, then tuned on (seen).
NEVER_TUNED_T13_FILE = Path(__file__).parent.parent / "handlers" / "questions_never_tuned_T13.yaml"
NEVER_TUNED_T14_FILE = Path(__file__).parent.parent / "handlers" / "questions_never_tuned_T14.yaml"
NEVER_TUNED_T15_FILE = Path(__file__).parent.parent / "handlers" / "questions_never_tuned_T15.yaml"
NEVER_TUNED_T16_FILE = Path(__file__).parent.parent / "handlers" / "questions_never_tuned_T16.yaml"
# Dev sets written blind in the fifth round of 2026-12-02, measured once, then tuned on.
DEV_R10_FILE = Path(__file__).parent.parent / "handlers" / "questions_dev_R10.yaml"
DEV_R11_FILE = Path(__file__).parent.parent / "handlers" / "questions_dev_R11.yaml"
DEV_R12_FILE = Path(__file__).parent.parent / "handlers" / "questions_dev_R12.yaml"
DEV_R13_FILE = Path(__file__).parent.parent / "handlers" / "questions_dev_R13.yaml"
# Sealed sets of the fifth round of 2026-12-02, measured once at its end on bb88207, then tuned on (seen).
NEVER_TUNED_T17_FILE = Path(__file__).parent.parent / "handlers" / "questions_never_tuned_T17.yaml"
NEVER_TUNED_T18_FILE = Path(__file__).parent.parent / "handlers" / "questions_never_tuned_T18.yaml"
NEVER_TUNED_T19_FILE = Path(__file__).parent.parent / "handlers" / "questions_never_tuned_T19.yaml"
NEVER_TUNED_T20_FILE = Path(__file__).parent.parent / "handlers" / "questions_never_tuned_T20.yaml"
# Dev sets written blind in the sixth round of 2026-12-02, measured once, then tuned on.
DEV_R14_FILE = Path(__file__).parent.parent / "handlers" / "questions_dev_R14.yaml"
DEV_R15_FILE = Path(__file__).parent.parent / "handlers" / "questions_dev_R15.yaml"
DEV_R16_FILE = Path(__file__).parent.parent / "handlers" / "questions_dev_R16.yaml"
DEV_R17_FILE = Path(__file__).parent.parent / "handlers" / "questions_dev_R17.yaml"
# Sealed sets of the sixth round of 2026-12-02, measured once on 4c40ecb, then tuned on (seen).
NEVER_TUNED_T21_FILE = Path(__file__).parent.parent / "handlers" / "questions_never_tuned_T21.yaml"
NEVER_TUNED_T22_FILE = Path(__file__).parent.parent / "handlers" / "questions_never_tuned_T22.yaml"
NEVER_TUNED_T23_FILE = Path(__file__).parent.parent / "handlers" / "questions_never_tuned_T23.yaml"
NEVER_TUNED_T24_FILE = Path(__file__).parent.parent / "handlers" / "questions_never_tuned_T24.yaml"
# Sealed sets of the sixth round of 2026-12-02 written after T21-T24 were measured, measured once on a8db9fb,
# then tuned on in the seventh round (seen).
NEVER_TUNED_T25_FILE = Path(__file__).parent.parent / "handlers" / "questions_never_tuned_T25.yaml"
NEVER_TUNED_T26_FILE = Path(__file__).parent.parent / "handlers" / "questions_never_tuned_T26.yaml"
NEVER_TUNED_T27_FILE = Path(__file__).parent.parent / "handlers" / "questions_never_tuned_T27.yaml"
NEVER_TUNED_T28_FILE = Path(__file__).parent.parent / "handlers" / "questions_never_tuned_T28.yaml"
NEVER_TUNED_T29_FILE = Path(__file__).parent.parent / "handlers" / "questions_never_tuned_T29.yaml"
NEVER_TUNED_T30_FILE = Path(__file__).parent.parent / "handlers" / "questions_never_tuned_T30.yaml"
NEVER_TUNED_T31_FILE = Path(__file__).parent.parent / "handlers" / "questions_never_tuned_T31.yaml"
NEVER_TUNED_T32_FILE = Path(__file__).parent.parent / "handlers" / "questions_never_tuned_T32.yaml"
DEV_R22_FILE = Path(__file__).parent.parent / "handlers" / "questions_dev_R22.yaml"
DEV_R23_FILE = Path(__file__).parent.parent / "handlers" / "questions_dev_R23.yaml"
DEV_R24_FILE = Path(__file__).parent.parent / "handlers" / "questions_dev_R24.yaml"
DEV_R25_FILE = Path(__file__).parent.parent / "handlers" / "questions_dev_R25.yaml"
# Sealed sets of the round of 2026-12-03 (second session), measured once on 8512ea5, then seen.
NEVER_TUNED_T33_FILE = Path(__file__).parent.parent / "handlers" / "questions_never_tuned_T33.yaml"
NEVER_TUNED_T34_FILE = Path(__file__).parent.parent / "handlers" / "questions_never_tuned_T34.yaml"
NEVER_TUNED_T35_FILE = Path(__file__).parent.parent / "handlers" / "questions_never_tuned_T35.yaml"
NEVER_TUNED_T36_FILE = Path(__file__).parent.parent / "handlers" / "questions_never_tuned_T36.yaml"
# Dev sets of the same session, measured once on 0591d39, then tuned on.
DEV_R26_FILE = Path(__file__).parent.parent / "handlers" / "questions_dev_R26.yaml"
DEV_R27_FILE = Path(__file__).parent.parent / "handlers" / "questions_dev_R27.yaml"
DEV_R28_FILE = Path(__file__).parent.parent / "handlers" / "questions_dev_R28.yaml"
DEV_R29_FILE = Path(__file__).parent.parent / "handlers" / "questions_dev_R29.yaml"
# Sealed sets of the round of 2026-12-03 (third session), measured once on 9f94053, then seen.
NEVER_TUNED_T37_FILE = Path(__file__).parent.parent / "handlers" / "questions_never_tuned_T37.yaml"
NEVER_TUNED_T38_FILE = Path(__file__).parent.parent / "handlers" / "questions_never_tuned_T38.yaml"
NEVER_TUNED_T39_FILE = Path(__file__).parent.parent / "handlers" / "questions_never_tuned_T39.yaml"
NEVER_TUNED_T40_FILE = Path(__file__).parent.parent / "handlers" / "questions_never_tuned_T40.yaml"
# Dev sets of the same session, measured once on f858ca3, then tuned on.
DEV_R30_FILE = Path(__file__).parent.parent / "handlers" / "questions_dev_R30.yaml"
DEV_R31_FILE = Path(__file__).parent.parent / "handlers" / "questions_dev_R31.yaml"
DEV_R32_FILE = Path(__file__).parent.parent / "handlers" / "questions_dev_R32.yaml"
DEV_R33_FILE = Path(__file__).parent.parent / "handlers" / "questions_dev_R33.yaml"
# Sealed sets of the round of 2026-12-03 (fourth session), measured once on 3909aa6, then seen.
NEVER_TUNED_T41_FILE = Path(__file__).parent.parent / "handlers" / "questions_never_tuned_T41.yaml"
NEVER_TUNED_T42_FILE = Path(__file__).parent.parent / "handlers" / "questions_never_tuned_T42.yaml"
NEVER_TUNED_T43_FILE = Path(__file__).parent.parent / "handlers" / "questions_never_tuned_T43.yaml"
NEVER_TUNED_T44_FILE = Path(__file__).parent.parent / "handlers" / "questions_never_tuned_T44.yaml"
# Dev sets of the same session, measured once on 400bf45, then tuned on.
DEV_R34_FILE = Path(__file__).parent.parent / "handlers" / "questions_dev_R34.yaml"
DEV_R35_FILE = Path(__file__).parent.parent / "handlers" / "questions_dev_R35.yaml"
DEV_R36_FILE = Path(__file__).parent.parent / "handlers" / "questions_dev_R36.yaml"
DEV_R37_FILE = Path(__file__).parent.parent / "handlers" / "questions_dev_R37.yaml"
# Sealed sets of the round of 2026-12-03 (fifth session), measured once on db9b432, then seen.
NEVER_TUNED_T45_FILE = Path(__file__).parent.parent / "handlers" / "questions_never_tuned_T45.yaml"
NEVER_TUNED_T46_FILE = Path(__file__).parent.parent / "handlers" / "questions_never_tuned_T46.yaml"
NEVER_TUNED_T47_FILE = Path(__file__).parent.parent / "handlers" / "questions_never_tuned_T47.yaml"
NEVER_TUNED_T48_FILE = Path(__file__).parent.parent / "handlers" / "questions_never_tuned_T48.yaml"
# Dev sets of the same session, measured once on 382c504, then tuned on.
DEV_R38_FILE = Path(__file__).parent.parent / "handlers" / "questions_dev_R38.yaml"
DEV_R39_FILE = Path(__file__).parent.parent / "handlers" / "questions_dev_R39.yaml"
DEV_R40_FILE = Path(__file__).parent.parent / "handlers" / "questions_dev_R40.yaml"
DEV_R41_FILE = Path(__file__).parent.parent / "handlers" / "questions_dev_R41.yaml"
# Sealed sets of the round of 2026-12-03 (sixth session), measured once on 05e5a6b, then seen.
NEVER_TUNED_T49_FILE = Path(__file__).parent.parent / "handlers" / "questions_never_tuned_T49.yaml"
NEVER_TUNED_T50_FILE = Path(__file__).parent.parent / "handlers" / "questions_never_tuned_T50.yaml"
NEVER_TUNED_T51_FILE = Path(__file__).parent.parent / "handlers" / "questions_never_tuned_T51.yaml"
NEVER_TUNED_T52_FILE = Path(__file__).parent.parent / "handlers" / "questions_never_tuned_T52.yaml"
# Dev sets of the same session, measured once on 345e67c (with ed1dc01's two fixes), then tuned on.
DEV_R42_FILE = Path(__file__).parent.parent / "handlers" / "questions_dev_R42.yaml"
DEV_R43_FILE = Path(__file__).parent.parent / "handlers" / "questions_dev_R43.yaml"
DEV_R44_FILE = Path(__file__).parent.parent / "handlers" / "questions_dev_R44.yaml"
DEV_R45_FILE = Path(__file__).parent.parent / "handlers" / "questions_dev_R45.yaml"
# Sealed sets of the round of 2026-12-04, measured once at its end on 5915ea1, then seen; its dev sets,
# measured once on 71699d8, then tuned on.
NEVER_TUNED_T53_FILE = Path(__file__).parent.parent / "handlers" / "questions_never_tuned_T53.yaml"
NEVER_TUNED_T54_FILE = Path(__file__).parent.parent / "handlers" / "questions_never_tuned_T54.yaml"
NEVER_TUNED_T55_FILE = Path(__file__).parent.parent / "handlers" / "questions_never_tuned_T55.yaml"
NEVER_TUNED_T56_FILE = Path(__file__).parent.parent / "handlers" / "questions_never_tuned_T56.yaml"
DEV_R46_FILE = Path(__file__).parent.parent / "handlers" / "questions_dev_R46.yaml"
DEV_R47_FILE = Path(__file__).parent.parent / "handlers" / "questions_dev_R47.yaml"
DEV_R48_FILE = Path(__file__).parent.parent / "handlers" / "questions_dev_R48.yaml"
# The second round of 2026-12-04: T57-T60 sealed, measured once; R49-R51 dev, measured once, tuned on.
NEVER_TUNED_T57_FILE = Path(__file__).parent.parent / "handlers" / "questions_never_tuned_T57.yaml"
NEVER_TUNED_T58_FILE = Path(__file__).parent.parent / "handlers" / "questions_never_tuned_T58.yaml"
NEVER_TUNED_T59_FILE = Path(__file__).parent.parent / "handlers" / "questions_never_tuned_T59.yaml"
NEVER_TUNED_T60_FILE = Path(__file__).parent.parent / "handlers" / "questions_never_tuned_T60.yaml"
DEV_R49_FILE = Path(__file__).parent.parent / "handlers" / "questions_dev_R49.yaml"
DEV_R50_FILE = Path(__file__).parent.parent / "handlers" / "questions_dev_R50.yaml"
DEV_R51_FILE = Path(__file__).parent.parent / "handlers" / "questions_dev_R51.yaml"
# The round of 2026-12-05: T61-T64 sealed, measured once; R52-R54 dev, measured once before any change.
NEVER_TUNED_T61_FILE = Path(__file__).parent.parent / "handlers" / "questions_never_tuned_T61.yaml"
NEVER_TUNED_T62_FILE = Path(__file__).parent.parent / "handlers" / "questions_never_tuned_T62.yaml"
NEVER_TUNED_T63_FILE = Path(__file__).parent.parent / "handlers" / "questions_never_tuned_T63.yaml"
NEVER_TUNED_T64_FILE = Path(__file__).parent.parent / "handlers" / "questions_never_tuned_T64.yaml"
DEV_R52_FILE = Path(__file__).parent.parent / "handlers" / "questions_dev_R52.yaml"
DEV_R53_FILE = Path(__file__).parent.parent / "handlers" / "questions_dev_R53.yaml"
DEV_R54_FILE = Path(__file__).parent.parent / "handlers" / "questions_dev_R54.yaml"
# The second round of 2026-12-05: T65-T68 sealed, measured once; R55-R57 dev, measured once before any change.
NEVER_TUNED_T65_FILE = Path(__file__).parent.parent / "handlers" / "questions_never_tuned_T65.yaml"
NEVER_TUNED_T66_FILE = Path(__file__).parent.parent / "handlers" / "questions_never_tuned_T66.yaml"
NEVER_TUNED_T67_FILE = Path(__file__).parent.parent / "handlers" / "questions_never_tuned_T67.yaml"
NEVER_TUNED_T68_FILE = Path(__file__).parent.parent / "handlers" / "questions_never_tuned_T68.yaml"
DEV_R55_FILE = Path(__file__).parent.parent / "handlers" / "questions_dev_R55.yaml"
DEV_R56_FILE = Path(__file__).parent.parent / "handlers" / "questions_dev_R56.yaml"
DEV_R57_FILE = Path(__file__).parent.parent / "handlers" / "questions_dev_R57.yaml"
KNOWN_MISSES_FILES = (
    BLIND5_FILE,
    BLIND6_FILE,
    BLIND7_FILE,
    BLIND8_FILE,
    BLIND9_FILE,
    BLIND10_FILE,
    BLIND11_FILE,
    NEVER_TUNED_A_FILE,
    NEVER_TUNED_B_FILE,
    NEVER_TUNED_C_FILE,
    DEV_F_FILE,
    NEVER_TUNED_D_FILE,
    NEVER_TUNED_E_FILE,
    DEV_H1_FILE,
    DEV_H2_FILE,
    NEVER_TUNED_H3_FILE,
    NEVER_TUNED_H4_FILE,
    NEVER_TUNED_S_FILE,
    DEV_U1_FILE,
    DEV_U2_FILE,
    DEV_V1_FILE,
    DEV_V2_FILE,
    DEV_W_FILE,
    DEV_X_FILE,
    DEV_Y_FILE,
    DEV_Z_FILE,
    NEVER_TUNED_T1_FILE,
    NEVER_TUNED_T2_FILE,
    NEVER_TUNED_T3_FILE,
    DEV_R1_FILE,
    DEV_R2_FILE,
    NEVER_TUNED_T4_FILE,
    NEVER_TUNED_T5_FILE,
    NEVER_TUNED_T6_FILE,
    DEV_R3_FILE,
    DEV_R4_FILE,
    DEV_R5_FILE,
    DEV_R6_FILE,
    NEVER_TUNED_T7_FILE,
    NEVER_TUNED_T8_FILE,
    NEVER_TUNED_T9_FILE,
    NEVER_TUNED_T10_FILE,
    NEVER_TUNED_T11_FILE,
    NEVER_TUNED_T12_FILE,
    DEV_R7_FILE,
    DEV_R8_FILE,
    DEV_R9_FILE,
    NEVER_TUNED_T13_FILE,
    NEVER_TUNED_T14_FILE,
    NEVER_TUNED_T15_FILE,
    NEVER_TUNED_T16_FILE,
    DEV_R10_FILE,
    DEV_R11_FILE,
    DEV_R12_FILE,
    DEV_R13_FILE,
    NEVER_TUNED_T17_FILE,
    NEVER_TUNED_T18_FILE,
    NEVER_TUNED_T19_FILE,
    NEVER_TUNED_T20_FILE,
    DEV_R14_FILE,
    DEV_R15_FILE,
    DEV_R16_FILE,
    DEV_R17_FILE,
    NEVER_TUNED_T21_FILE,
    NEVER_TUNED_T22_FILE,
    NEVER_TUNED_T23_FILE,
    NEVER_TUNED_T24_FILE,
    NEVER_TUNED_T25_FILE,
    NEVER_TUNED_T26_FILE,
    NEVER_TUNED_T27_FILE,
    NEVER_TUNED_T28_FILE,
    NEVER_TUNED_T29_FILE,
    NEVER_TUNED_T30_FILE,
    NEVER_TUNED_T31_FILE,
    NEVER_TUNED_T32_FILE,
    DEV_R22_FILE,
    DEV_R23_FILE,
    DEV_R24_FILE,
    DEV_R25_FILE,
    NEVER_TUNED_T33_FILE,
    NEVER_TUNED_T34_FILE,
    NEVER_TUNED_T35_FILE,
    NEVER_TUNED_T36_FILE,
    DEV_R26_FILE,
    DEV_R27_FILE,
    DEV_R28_FILE,
    DEV_R29_FILE,
    NEVER_TUNED_T37_FILE,
    NEVER_TUNED_T38_FILE,
    NEVER_TUNED_T39_FILE,
    NEVER_TUNED_T40_FILE,
    DEV_R30_FILE,
    DEV_R31_FILE,
    DEV_R32_FILE,
    DEV_R33_FILE,
    NEVER_TUNED_T41_FILE,
    NEVER_TUNED_T42_FILE,
    NEVER_TUNED_T43_FILE,
    NEVER_TUNED_T44_FILE,
    DEV_R34_FILE,
    DEV_R35_FILE,
    DEV_R36_FILE,
    DEV_R37_FILE,
    NEVER_TUNED_T45_FILE,
    NEVER_TUNED_T46_FILE,
    NEVER_TUNED_T47_FILE,
    NEVER_TUNED_T48_FILE,
    DEV_R38_FILE,
    DEV_R39_FILE,
    DEV_R40_FILE,
    DEV_R41_FILE,
    NEVER_TUNED_T49_FILE,
    NEVER_TUNED_T50_FILE,
    NEVER_TUNED_T51_FILE,
    NEVER_TUNED_T52_FILE,
    DEV_R42_FILE,
    DEV_R43_FILE,
    DEV_R44_FILE,
    DEV_R45_FILE,
    NEVER_TUNED_T53_FILE,
    NEVER_TUNED_T54_FILE,
    NEVER_TUNED_T55_FILE,
    NEVER_TUNED_T56_FILE,
    DEV_R46_FILE,
    DEV_R47_FILE,
    DEV_R48_FILE,
    NEVER_TUNED_T57_FILE,
    NEVER_TUNED_T58_FILE,
    NEVER_TUNED_T59_FILE,
    NEVER_TUNED_T60_FILE,
    DEV_R49_FILE,
    DEV_R50_FILE,
    DEV_R51_FILE,
    NEVER_TUNED_T61_FILE,
    NEVER_TUNED_T62_FILE,
    NEVER_TUNED_T63_FILE,
    NEVER_TUNED_T64_FILE,
    DEV_R52_FILE,
    DEV_R53_FILE,
    DEV_R54_FILE,
    NEVER_TUNED_T65_FILE,
    NEVER_TUNED_T66_FILE,
    NEVER_TUNED_T67_FILE,
    NEVER_TUNED_T68_FILE,
    DEV_R55_FILE,
    DEV_R56_FILE,
    DEV_R57_FILE,
)
SEEN_FILES = (CASES_FILE, PROBE_FILE, *FIXED_BLIND_FILES, *KNOWN_MISSES_FILES)


def load_probe(path: Path = PROBE_FILE) -> list[dict[str, Any]]:
    cases: list[dict[str, Any]] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return cases


def plain(text: str) -> str:
    decomposed = unicodedata.normalize(
        "NFKD", text.replace("’", "'").replace("\u202f", " ").replace("\xa0", " ")
    )
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def case_now(case: dict[str, Any]) -> datetime:
    raw = case.get("now")
    return datetime.fromisoformat(str(raw)).replace(tzinfo=PARIS) if raw else DEFAULT_NOW


def expected_statuses(case: dict[str, Any]) -> set[Status]:
    raw = case["status"]
    return {Status(s) for s in (raw if isinstance(raw, list) else [raw])}


@dataclass(frozen=True)
class Verdict:
    """`kind`: correct | handed_over (answerable, yet handed over) | wrong (an answer given where only a
    hand-over is right, saying what it must not, or stating another figure than the expected one) |
    incomplete (answered, but without something it must say) | mismatch (right substance, another status or
    hand-over flag)."""

    kind: str
    problems: tuple[str, ...]
    reply: Reply


# An amount as the answer writes it ("560,00 €", "1 240 €"); a date as "1er septembre 2027".
_AMOUNT_RE = re.compile(r"(\d{1,3}(?: \d{3})*|\d+)(?:,(\d{2}))? ?(?:€|euros?)")
_DATE_RE = re.compile(
    r"\b(\d{1,2}(?:er)?) (janvier|fevrier|mars|avril|mai|juin|juillet|aout|septembre|octobre|novembre|"
    r"decembre) (\d{4})\b"
)
_FIGURE_RE = re.compile(r"\d")


def amounts_in(said: str) -> set[Decimal]:
    """Every euro amount in a folded answer ("1 240,00 €" -> 1240)."""
    return {Decimal(m.group(1).replace(" ", "")) for m in _AMOUNT_RE.finditer(said)}


def dates_in(said: str) -> set[str]:
    return {f"{m.group(1).removesuffix('er')} {m.group(2)} {m.group(3)}" for m in _DATE_RE.finditer(said)}


def _figure_problems(case: dict[str, Any], said: str, missing: list[str]) -> list[str]:
    """Safety: a wrong number is worse than no number. A `must` holding a figure that the answer misses while
    it states other amounts or dates is a wrong figure; `amounts` / `dates`, when listed, are the only
    amounts / dates the answer may state."""
    problems: list[str] = []
    stated_amounts, stated_dates = amounts_in(said), dates_in(said)
    for item in missing:
        if _FIGURE_RE.search(item) and (stated_amounts or stated_dates):
            problems.append(
                f"wrong figure: wanted {item!r}, said {sorted(map(str, stated_amounts))} "
                f"{sorted(stated_dates)}"
            )
    if "amounts" in case:
        allowed = {Decimal(str(a)) for a in case["amounts"]}
        extra = stated_amounts - allowed
        if extra:
            problems.append(f"amounts not expected {sorted(map(str, extra))}")
    if "dates" in case:
        allowed_dates = {plain(str(d)).replace("1er ", "1 ") for d in case["dates"]}
        extra_dates = stated_dates - allowed_dates
        if extra_dates:
            problems.append(f"dates not expected {sorted(extra_dates)}")
    return problems


# « Non : c'est 320,00 €, pas 350,00 € »: the wrong value named to be denied is not said.
_DENIAL = re.compile(
    r"(?:\bpas|\bet non|\bnon pas|\bau lieu de|\bplutot que)\s+"
    r"(?:de\s+|d'|le\s+|la\s+|les\s+|en\s+|a\s+|au\s+)?$"
)


def _said_not_denied(value: str, said: str) -> bool:
    """Whether the answer says `value` other than as the value it denies."""
    start = said.find(value)
    while start >= 0:
        if not _DENIAL.search(said[max(0, start - 20) : start]):
            return True
        start = said.find(value, start + 1)
    return False


def judge(case: dict[str, Any]) -> Verdict:
    reply = answer_question(str(case["q"]), case_now(case))
    said = plain("\n".join([reply.title, *reply.body]))
    wanted = expected_statuses(case)
    problems: list[str] = []
    # A figure the key writes « 1320 » is said « 1 320,00 € »: an amount stated is the figure said.
    stated = amounts_in(said)
    missing = [
        m
        for m in case.get("must", [])
        if plain(str(m)) not in said and not (str(m).isdigit() and Decimal(str(m)) in stated)
    ]
    forbidden = [m for m in case.get("must_not", []) if _said_not_denied(plain(str(m)), said)]
    if missing:
        problems.append(f"missing {missing}")
    if forbidden:
        problems.append(f"says {forbidden}")
    figures = _figure_problems(case, said, [str(m) for m in missing])
    problems += figures
    if reply.status not in wanted:
        problems.append(f"status {reply.status.value} not in {sorted(s.value for s in wanted)}")
    if "human" in case and reply.needs_human is not case["human"]:
        problems.append(f"needs_human {reply.needs_human}")
    if not problems:
        return Verdict("correct", (), reply)
    answered = reply.status != Status.UNKNOWN
    if not answered and Status.UNKNOWN not in wanted:
        return Verdict("handed_over", tuple(problems), reply)
    # A figure missed by an answer flagged for a person (the rule restated, the total left to an agent) is
    # not a confident wrong figure.
    wrong_figure = bool(figures) and not reply.needs_human
    if answered and (forbidden or wrong_figure or (wanted == {Status.UNKNOWN})):
        return Verdict("wrong", tuple(problems), reply)
    if answered and missing:
        return Verdict("incomplete", tuple(problems), reply)
    return Verdict("mismatch", tuple(problems), reply)


def one_click(case: dict[str, Any], verdict: Verdict) -> bool:
    """A needless hand-over that offered « Vouliez-vous dire … »: whether one of the readings, picked as a
    user picks it (its label sent back, as the Slack button and the numbered reply do), gets a correct
    answer."""
    if verdict.kind != "handed_over":
        return False
    for choice in verdict.reply.data.get("choices", []):
        if choice.get("entry") is None:
            continue
        picked = str(choice["command"]).removeprefix("question ")
        if judge({**case, "q": picked}).kind == "correct":
            return True
    return False


def summary(verdicts: list[Verdict]) -> Counter[str]:
    return Counter(v.kind for v in verdicts)
