"""The crowdsourcing page: range tasks and workers arriving on the plane."""
