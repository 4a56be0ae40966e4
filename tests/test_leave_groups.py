import pandas as pd

from planner.leave.groups import agent_groups, group_of


def test_group_is_sorted_and_deduplicated():
    assert group_of(["voice", "chat", "voice"]) == "chat+voice"
    assert group_of(["email"]) == "email"


def test_agent_groups_maps_each_agent():
    agents = pd.DataFrame({"agent_id": ["a1", "a2"], "skills": [["voice", "chat"], ["email"]]})
    assert agent_groups(agents) == {"a1": "chat+voice", "a2": "email"}
