"""The evaluation harness: running scenarios through the agent and scoring the result."""
