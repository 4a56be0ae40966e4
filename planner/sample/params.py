"""Parameters of the sample site: small frozen dataclasses, one per concern, with the demo site's values.

Shapes are given as anchor points (hour of day -> relative weight) that are interpolated linearly
over the slots of a day; weekday factors run Monday..Sunday. Volumes are per week at the end of the
history, before seasonality, so the trend factor is 1 on the last day.
"""

from __future__ import annotations

from dataclasses import dataclass, field

Anchors = tuple[tuple[float, float], ...]


@dataclass(frozen=True)
class ChannelParams:
    """How one channel's contacts arrive and are handled."""

    weekly_volume: float  # contacts per week at the end of the history, seasonally neutral
    weekday_factors: tuple[float, ...]  # Monday..Sunday, relative
    intraday_weekday: Anchors  # hour -> weight, Monday..Friday
    intraday_saturday: Anchors
    intraday_sunday: Anchors
    yearly_amplitude: float = 0.08  # cosine seasonality, +/- fraction
    yearly_peak_doy: int = 15  # day of year of the seasonal peak
    christmas_dip: float = 0.0  # fraction lost around 25 December
    trend_per_year: float = 0.0  # growth per year (0.1 = +10 %/year)
    monday_surge: Anchors = ()  # extra multiplier (hour -> factor - 1) on Mondays only
    aht_by_hour: Anchors = ((0.0, 1.0), (24.0, 1.0))  # AHT multiplier by hour of arrival
    aht_weekend_factor: float = 1.0
    aht_trend_per_year: float = -0.02  # handle times shrink slowly as agents learn
    aht_shape: float = 2.5  # gamma shape of one contact's handle time (lower = more spread)
    wrap_fraction: float = 0.15  # share of the handle time spent in after-contact work
    patience_s: float = 150.0  # mean patience (immediate channels) when the config has none
    open_wait_s: float = 3 * 3600.0  # deferred: mean wait in open (staffed) seconds before an answer
    contact_types: tuple[tuple[str, float], ...] = (("billing", 0.35), ("technical", 0.25), ("account", 0.25), ("sales", 0.15))


@dataclass(frozen=True)
class QueueParams:
    """How well the past site was staffed (drives waits, abandons and service level in the history)."""

    day_quality_sd: float = 0.06  # lognormal sd of a day's staffing versus plan
    slot_quality_sd: float = 0.05  # lognormal sd of a slot's staffing versus the day
    event_anticipation: float = 0.5  # share of a campaign's uplift the planners staffed for
    ring_s: tuple[int, int] = (1, 6)  # uniform ring / routing delay before an answer, seconds
    overload_rate: float = 0.03  # queue drain rate (share of capacity) when a slot is over capacity
    holiday_quiet_factor: float = 0.45  # volume on a holiday when the channel is open or deferred


@dataclass(frozen=True)
class CustomerParams:
    """Repeat contacts: the share of contacts that follow up an earlier contact of the same issue."""

    repeat_share: float = 0.30  # ~1 / (1 - 0.30) = 1.43 contacts per issue
    repeat_lag_mean_h: float = 30.0  # mean delay of a follow-up
    retry_lag_mean_min: float = 20.0  # mean delay of a retry after an abandoned contact
    retry_after_abandon: float = 0.6  # probability an abandoned contact is retried
    unresolved_last: float = 0.06  # share of issues whose last contact still did not resolve it
    customers: int = 400_000  # size of the customer base ids are drawn from


@dataclass(frozen=True)
class AgentParams:
    """The agent population: size, contract mix, skill mix, availability windows and preferences."""

    count: int = 150
    contracts: tuple[tuple[str, float], ...] = (("full_time", 0.60), ("part_time", 0.28), ("weekend", 0.12))
    skills: tuple[tuple[tuple[str, ...], float], ...] = (
        (("voice",), 0.30),
        (("voice", "chat"), 0.22),
        (("chat",), 0.05),
        (("chat", "social"), 0.11),
        (("email",), 0.06),
        (("email", "social"), 0.10),
        (("voice", "email"), 0.08),
        (("voice", "chat", "email", "social"), 0.08),
    )
    teams: tuple[str, ...] = ("North", "South", "East", "West", "Harbour", "Bridge", "Park", "Market", "Castle", "River")
    window_share: float = 0.2  # share of agents with a daily availability window
    windows: tuple[tuple[str, str, str], ...] = (  # (contract, from, to)
        ("full_time", "08:00", "17:00"),
        ("full_time", "13:00", "22:00"),
        ("part_time", "09:30", "15:00"),
        ("part_time", "16:00", "22:00"),
        ("part_time", "08:00", "14:00"),
        ("weekend", "09:00", "18:00"),
    )
    preference_share: float = 0.35  # share of agents with at least one preference


@dataclass(frozen=True)
class LeaveParams:
    """Leave in the weeks around the end of the history and the planning week."""

    weeks_before: int = 4  # leave from this many weeks before the planning week
    weeks_after: int = 4  # ... to this many weeks after it
    annual_per_agent_week: float = 0.10  # chance an agent starts an annual-leave block in a given week
    sick_per_agent_week: float = 0.025
    training_per_agent_week: float = 0.015
    requested_share: float = 0.35  # future annual leave still awaiting approval


_VOICE = ChannelParams(
    weekly_volume=13800,
    weekday_factors=(1.30, 1.12, 1.05, 1.00, 0.95, 0.45, 0.22),
    intraday_weekday=((7.5, 0.0), (8.0, 0.55), (9.0, 1.2), (10.0, 1.6), (10.75, 1.7), (11.5, 1.45), (12.5, 1.05),
                      (13.5, 1.4), (14.25, 1.5), (15.5, 1.15), (16.5, 0.9), (17.5, 0.7), (18.5, 0.45), (19.5, 0.3), (20.0, 0.1)),
    intraday_saturday=((8.5, 0.0), (9.0, 0.6), (10.5, 1.2), (11.5, 1.25), (13.0, 0.9), (14.5, 0.85), (16.0, 0.6), (17.0, 0.3)),
    intraday_sunday=((9.5, 0.0), (10.0, 0.6), (11.5, 1.0), (13.0, 0.9), (14.5, 0.8), (16.0, 0.4)),
    yearly_amplitude=0.10, yearly_peak_doy=15, christmas_dip=0.25, trend_per_year=-0.04,
    aht_by_hour=((8.0, 1.08), (10.0, 1.04), (13.0, 1.0), (16.0, 0.97), (19.0, 0.93), (22.0, 0.95)),
    aht_weekend_factor=1.04, wrap_fraction=0.18, patience_s=300.0,
)

_CHAT = ChannelParams(
    weekly_volume=5300,
    weekday_factors=(1.10, 1.05, 1.00, 1.00, 0.95, 0.70, 0.55),
    intraday_weekday=((7.5, 0.0), (8.0, 0.3), (10.0, 0.6), (12.0, 0.8), (14.0, 0.7), (16.0, 0.8), (17.5, 1.1), (19.0, 1.6),
                      (20.5, 1.7), (21.5, 1.3), (22.0, 0.8)),
    intraday_saturday=((8.5, 0.0), (9.0, 0.5), (12.0, 0.9), (15.0, 1.0), (17.5, 1.2), (18.0, 1.1)),
    intraday_sunday=((9.5, 0.0), (10.0, 0.6), (13.0, 0.9), (16.0, 1.0)),
    yearly_amplitude=0.08, yearly_peak_doy=334, christmas_dip=0.15, trend_per_year=0.15,
    aht_by_hour=((8.0, 0.95), (14.0, 1.0), (20.0, 1.08), (22.0, 1.05)),
    wrap_fraction=0.08, patience_s=450.0,
    contact_types=(("billing", 0.25), ("technical", 0.30), ("account", 0.20), ("sales", 0.25)),
)

_EMAIL = ChannelParams(
    weekly_volume=3100,
    weekday_factors=(1.35, 1.10, 1.05, 1.00, 0.95, 0.45, 0.40),
    intraday_weekday=((0.0, 0.25), (3.0, 0.15), (6.0, 0.3), (8.0, 1.0), (10.0, 1.3), (13.0, 1.1), (16.0, 1.0), (18.0, 0.8),
                      (21.0, 0.6), (24.0, 0.3)),
    intraday_saturday=((0.0, 0.3), (4.0, 0.15), (9.0, 0.8), (12.0, 1.0), (18.0, 0.8), (24.0, 0.4)),
    intraday_sunday=((0.0, 0.3), (4.0, 0.15), (9.0, 0.7), (12.0, 0.9), (18.0, 1.0), (22.0, 0.9), (24.0, 0.4)),
    yearly_amplitude=0.06, yearly_peak_doy=20, christmas_dip=0.2, trend_per_year=-0.02,
    monday_surge=((6.0, 0.0), (8.0, 1.6), (9.5, 1.8), (11.0, 0.3), (12.0, 0.0)),
    aht_by_hour=((0.0, 1.0), (24.0, 1.0)), wrap_fraction=0.12, open_wait_s=3 * 3600.0,
    contact_types=(("billing", 0.40), ("technical", 0.15), ("account", 0.35), ("sales", 0.10)),
)

_SOCIAL = ChannelParams(
    weekly_volume=3100,
    weekday_factors=(1.00, 0.98, 0.98, 1.00, 1.05, 1.10, 1.05),
    intraday_weekday=((0.0, 0.25), (2.0, 0.12), (5.0, 0.08), (7.0, 0.4), (9.0, 0.8), (12.0, 1.2), (13.0, 1.25), (15.0, 1.0),
                      (17.0, 1.05), (19.0, 1.3), (21.0, 1.35), (23.0, 0.7), (24.0, 0.3)),
    intraday_saturday=((0.0, 0.35), (3.0, 0.12), (6.0, 0.1), (9.0, 0.7), (12.0, 1.1), (16.0, 1.1), (20.0, 1.3), (24.0, 0.4)),
    intraday_sunday=((0.0, 0.35), (3.0, 0.12), (6.0, 0.1), (9.0, 0.6), (12.0, 1.0), (16.0, 1.1), (20.0, 1.3), (24.0, 0.3)),
    yearly_amplitude=0.10, yearly_peak_doy=335, christmas_dip=0.1, trend_per_year=0.12,
    aht_by_hour=((0.0, 1.0), (24.0, 1.0)), wrap_fraction=0.05, open_wait_s=900.0,
    contact_types=(("billing", 0.20), ("technical", 0.35), ("account", 0.15), ("sales", 0.30)),
)


@dataclass(frozen=True)
class SiteParams:
    """Everything the generator needs besides the config: channel shapes (by channel name), queue, customers, agents, leave."""

    channels: dict[str, ChannelParams] = field(
        default_factory=lambda: {"voice": _VOICE, "chat": _CHAT, "email": _EMAIL, "social": _SOCIAL})
    queue: QueueParams = QueueParams()
    customers: CustomerParams = CustomerParams()
    agents: AgentParams = AgentParams()
    leave: LeaveParams = LeaveParams()

    def channel(self, name: str, kind: str) -> ChannelParams:
        """The parameters of channel `name`; a channel the demo does not know borrows voice's (immediate) or email's shape."""
        if name in self.channels:
            return self.channels[name]
        return _VOICE if kind == "immediate" else _EMAIL


DEFAULT_PARAMS = SiteParams()
