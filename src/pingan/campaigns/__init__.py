"""Campaigns (专项行动, e.g. 百日行动): a period, jurisdictions, focus places with focus hours,
and targets on figures the other packages already compute; the daily brief (每日通报),
progress against each target, and the closing report (总结报告).

Service modules, one job each: :mod:`~pingan.campaigns.catalogue` (the figures a target
may name), :mod:`~pingan.campaigns.figures` (measuring one by calling the owning
package's service), :mod:`~pingan.campaigns.creation`, :mod:`~pingan.campaigns.progress`,
:mod:`~pingan.campaigns.brief`, :mod:`~pingan.campaigns.closing`,
:mod:`~pingan.campaigns.render` (HTML and PDF), :mod:`~pingan.campaigns.schedule`.
"""
