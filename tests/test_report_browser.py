"""The demo report in headless Chromium: loads offline with no console errors, draws the heatmap and the charts."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from planner.config import load_config
from planner.reports import generate_report
from planner.sample import generate_site

sys.path.insert(0, str(Path(__file__).parent))
from cdp_browser import chromium_path, inspect_page  # noqa: E402
from report_data import coverage_for, naive_forecast, roster_for  # noqa: E402

PROBE = """(() => {
  const plots = [...document.querySelectorAll('.js-plotly-plot')];
  const drawn = plots.filter(p => p.querySelector('.main-svg') && p.getBoundingClientRect().height > 100);
  const heat = document.getElementById('chart-heatmap');
  return {
    plots: plots.length,
    drawn: drawn.length,
    heatmap_trace: !!(heat && heat.data && heat.data[0].type === 'heatmap'),
    heatmap_drawn: !!(heat && heat.querySelector('.hm, .heatmaplayer image, image')),
    titles: drawn.map(p => (p.layout && p.layout.title && p.layout.title.text) || ''),
    red: document.querySelectorAll('td.missed').length,
    green: document.querySelectorAll('td.met').length,
  };
})()"""


@pytest.mark.browser
@pytest.mark.slow
def test_demo_report_renders_in_chromium(tmp_path, demo_config_path):
    if chromium_path() is None:
        pytest.skip("chromium is not installed (apt-get install chromium)")
    cfg = load_config(demo_config_path)
    site = generate_site(cfg, seed=7, weeks=4)
    forecast = naive_forecast(site.history)
    dates = sorted(forecast["interval_start"].dt.normalize().unique())
    out = tmp_path / "report.html"
    generate_report(cfg, out, contacts=site.contacts, history=site.history, forecast=forecast,
                    coverage=coverage_for(forecast), roster=roster_for(dates[-7:]))
    shot = tmp_path / "report.png"
    probe, errors = inspect_page(out, shot, PROBE)
    assert errors == []
    assert probe["heatmap_trace"] and probe["heatmap_drawn"]
    assert probe["drawn"] >= 6  # heatmap + at least five charts
    assert all(probe["titles"])  # every chart has a title
    assert probe["red"] + probe["green"] > 0  # KPIs against targets are coloured
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 50_000
