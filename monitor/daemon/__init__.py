"""The background service (`govmon run`): scheduled jobs, one daemon per database."""
