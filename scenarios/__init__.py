"""Ready instances, experiments, the ``mas`` command line and the browser app."""
