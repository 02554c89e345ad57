"""Matching a question to what the report answers: the only rapidfuzz and numpy code."""

from .matcher import Matcher
from .results import Candidate, Match
from .text import clean, detect_language
from .vocabulary import number_key

__all__ = ["Candidate", "Match", "Matcher", "clean", "detect_language", "number_key"]
