"""Rasa custom actions: thin adapters from the tracker to `medinfo`, which does the work."""
