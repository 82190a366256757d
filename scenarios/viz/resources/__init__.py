"""The resources page: jobs queueing for nodes with several kinds of capacity."""
