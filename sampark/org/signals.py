"""Signals the tree sends to the apps that keep copies of unit paths.

subtree_moved: sent by services.move_unit inside its transaction, after the units' and posts'
paths are rewritten, with `unit` (moved, already saved with its new parent), `old_path` and
`new_path`. Receivers rewrite their own copies (a report's unit_path decides who may see it)
and correct what they keep per ancestor, in the same transaction."""

from django.dispatch import Signal

subtree_moved = Signal()
