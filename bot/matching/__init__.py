"""Matching a question to what the report answers: the only rapidfuzz and numpy code."""

from .matcher import Candidate, Match, Matcher, number_key
from .text import clean, detect_language

__all__ = ["Candidate", "Match", "Matcher", "clean", "detect_language", "number_key"]
