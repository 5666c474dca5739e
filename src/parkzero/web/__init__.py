"""The web front end: Jinja2 templates, static CSS/JS, vendored Apache ECharts, zh-CN/en catalogue.

* :mod:`parkzero.web.screen` — pure builders of the big screen's JSON (碳中和全景展示大屏);
* :mod:`parkzero.web.views` — pure builders of the drill-down, inventory, target, plan, energy
  and report pages;
* :mod:`parkzero.web.service` — the only module that reads the store for them;
* :mod:`parkzero.web.i18n` — the message catalogue (``messages.yaml``) and language choice;
* :mod:`parkzero.web.templating` — the Jinja2 environment, navigation and static URLs.

The HTTP routes are in :mod:`parkzero.api.routers.pages`, ``.screen`` and ``.bookings``; user
documentation in ``docs/web.md``.
"""

from parkzero.web.templating import ECHARTS_VERSION, STATIC_DIR, TEMPLATES_DIR

__all__ = ["ECHARTS_VERSION", "STATIC_DIR", "TEMPLATES_DIR"]
