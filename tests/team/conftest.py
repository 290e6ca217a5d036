"""The team tests' fixtures; the helpers live in tak_team.py, a name of its own (a
module named conftest is another folder's too when the whole suite runs)."""

from tak_team import pair, tak_server, team, team_alone  # noqa: F401  (fixtures, found here by pytest)
