"""The deadline engine: pure Python, no Django. Rules in, dates and explanations out."""

from .engine import ClockError, ClockResult, Pause, compute
from .rules import RULES, Rule, get_rule

__all__ = ["RULES", "ClockError", "ClockResult", "Pause", "Rule", "compute", "get_rule"]
