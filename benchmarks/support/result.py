"""The closing line every benchmark prints per figure: `RESULT <name> <value> goal <op> <goal> ok|miss`."""

from typing import Literal

Better = Literal["<=", ">="]


def result_line(name: str, value: float, goal: float, better: Better, digits: int = 2, comparable: bool = True) -> str:
    """One figure against its goal; `better` says which side of the goal is ok; runs that are not
    `comparable` (unlike verdicts) are a miss whatever the figure."""
    met = comparable and (value <= goal if better == "<=" else value >= goal)
    return f"RESULT {name} {value:.{digits}f} goal {better} {goal:g} {'ok' if met else 'miss'}"
