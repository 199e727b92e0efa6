"""Jurisdictions: bureau → sub-bureau → police station → community/grid (辖区)."""
