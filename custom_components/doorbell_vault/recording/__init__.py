"""Recording: camera configuration, stream probing, discovery, the recorder, retention, reconciliation."""
