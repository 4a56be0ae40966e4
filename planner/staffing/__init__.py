"""Staffing: queueing models turning the forecast into agents per slot per channel, and back into expected service.

Public entry points: `requirements(forecast_df, config)`, `project(agents, forecast_df, config)`,
`projected_coverage(coverage, requirements_df, config)` (a roster's projected service level per slot),
`late_contacts_curve(offered, aht_s, interval_s, channel, max_agents)` (and `late_contacts_curves(forecast_df,
config, max_agents)` per channel); array kernels in `erlang_c`, `erlang_a`, `erlang_b`, `deferred` (the backlog plan
and its fluid replay), `deferred_queue` (the deferred channels' service level with random arrivals and handle times);
`scheduled_agents` / `productive_agents` for shrinkage.
"""

from planner.staffing import deferred, deferred_queue, erlang_a, erlang_b, erlang_c
from planner.staffing.channel_models import late_contacts_curve, model_name
from planner.staffing.open_hours import open_slots
from planner.staffing.projection import project, projected_coverage, summary
from planner.staffing.requirements import late_contacts_curves, requirements
from planner.staffing.shrinkage import productive_agents, scheduled_agents

__all__ = [
    "deferred", "deferred_queue", "erlang_a", "erlang_b", "erlang_c", "late_contacts_curve", "late_contacts_curves", "model_name",
    "open_slots", "productive_agents", "project", "projected_coverage", "requirements", "scheduled_agents", "summary",
]
