"""Selectors the config, options and agency flows share."""

from __future__ import annotations

from homeassistant.helpers import selector


def number_box(minimum: float, maximum: float, step: float, unit: str) -> selector.NumberSelector:
    """A number typed into a box, with its unit."""
    return selector.NumberSelector(
        selector.NumberSelectorConfig(
            min=minimum,
            max=maximum,
            step=step,
            unit_of_measurement=unit,
            mode=selector.NumberSelectorMode.BOX,
        )
    )
