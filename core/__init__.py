"""Shared plumbing with no business in it: the outbox, task names, the vocabulary.

Every app may import core; core imports no app. ``core.vocabulary`` and
``core.tasknames`` import no Django either, so the matching engine can use them.
"""
