"""Working as a team: merging what other laptops carried (File > Merge…)."""
