"""Signals the tree sends to the apps that keep copies of unit paths.

subtree_moved: sent by services.move_unit inside its transaction, after the units'
paths are rewritten, with `unit` (moved, already saved with its new parent), `old_path` and
`new_path`. Receivers rewrite their own copies (a post's unit_path decides what its holder may see, a
report's who may see it; the people app's receiver is connected first, as it is installed first)
and correct what they keep per ancestor, in the same transaction."""

from django.dispatch import Signal

subtree_moved = Signal()

# unit_created: sent by services.create_unit inside its transaction with `unit` (saved, with its
# path), so the apps counting something per unit (people's vacancies) count the new one.
unit_created = Signal()
