"""Fire-safety and venue ledgers (消防台账、场所台账): sites and their fire control rooms,
duty records after GB 25506, inspections and the hazards they find with rectification
deadlines, training and drills, spreadsheet import and export, and the monthly round.

One job per module: :mod:`~pingan.ledgers.sites`, :mod:`~pingan.ledgers.control_rooms`,
:mod:`~pingan.ledgers.duty`, :mod:`~pingan.ledgers.inspections`,
:mod:`~pingan.ledgers.hazards`, :mod:`~pingan.ledgers.training`,
:mod:`~pingan.ledgers.workbook`, :mod:`~pingan.ledgers.rounds`.
"""
