"""The benchmarks' closing line: the figure, its goal, and whether it is met on the goal's side."""

from benchmarks.support.result import result_line


def test_a_ratio_below_its_ceiling_is_ok_and_above_it_a_miss() -> None:
    assert result_line("scan_vs_nmap", 0.78, 1.0, "<=") == "RESULT scan_vs_nmap 0.78 goal <= 1 ok"
    assert result_line("scan_vs_nmap", 1.2, 1.0, "<=") == "RESULT scan_vs_nmap 1.20 goal <= 1 miss"


def test_a_speed_up_must_reach_its_floor() -> None:
    assert result_line("sweep_vs_hydra", 3.661, 1.0, ">=", digits=1) == "RESULT sweep_vs_hydra 3.7 goal >= 1 ok"
    assert result_line("sweep_vs_hydra", 0.05, 1.0, ">=") == "RESULT sweep_vs_hydra 0.05 goal >= 1 miss"
