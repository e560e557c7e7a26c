"""Interface text for screens: bindings relabelled from the catalog by their ids."""

from __future__ import annotations

from dataclasses import replace

from textual.dom import DOMNode

from ..i18n import Messages


def localize_bindings(node: DOMNode, messages: Messages, **values) -> None:
    """Give `node`'s bindings the catalog's description and tooltip (keys.<id>, keys.<id>_tooltip)."""
    bindings = node._bindings.key_to_bindings
    for key, items in bindings.items():
        bindings[key] = [_localized(b, messages, values) for b in items]


def _localized(binding, messages: Messages, values):
    if not binding.id:
        return binding
    description = messages.get(f"keys.{binding.id}", binding.description, **values)
    tooltip = messages.get(f"keys.{binding.id}_tooltip", binding.tooltip, **values)
    return replace(binding, description=description, tooltip=tooltip)
