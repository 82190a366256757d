"""The negotiation page: agents negotiating over the topology, tick by tick."""
